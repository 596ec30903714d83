// `npm run test:e2e`: Playwright against the `next build` output and a fresh local stack.
// Creates a throwaway data directory with one admin and one helpdesk console user, builds the
// console if its sources changed, runs Playwright (whose webServer is `scripts/start.ts`).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addLocalUser } from '../lib/auth/local-users';
import { generatePassword } from '../lib/secret/password';
import { ensureConsoleBuilt, repoRoot, runCommand } from './next-build';

async function main(): Promise<number> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'transfer-desk-e2e-'));
  const usersFile = path.join(dataDir, 'console-users.json');
  const accounts = {
    E2E_ADMIN_USER: 'e2e-admin',
    E2E_ADMIN_PASSWORD: generatePassword(),
    E2E_HELPDESK_USER: 'e2e-helpdesk',
    E2E_HELPDESK_PASSWORD: generatePassword(),
  };
  try {
    await addLocalUser(usersFile, { username: accounts.E2E_ADMIN_USER, role: 'admin', password: accounts.E2E_ADMIN_PASSWORD });
    await addLocalUser(usersFile, { username: accounts.E2E_HELPDESK_USER, role: 'helpdesk', password: accounts.E2E_HELPDESK_PASSWORD });
    await ensureConsoleBuilt();
    const cli = path.join(repoRoot, 'node_modules/@playwright/test/cli.js');
    await runCommand(process.execPath, [cli, 'test', ...process.argv.slice(2)], {
      ...process.env,
      ...accounts,
      E2E_DATA_DIR: dataDir,
      CONSOLE_USERS_FILE: usersFile,
    });
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    return 1;
  } finally {
    if (process.env.E2E_KEEP_DATA === '1') console.log(`E2E data kept in ${dataDir}`);
    else await rm(dataDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
