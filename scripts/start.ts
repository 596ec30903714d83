// `npm start`: the whole system on one machine — the embedded local stack (AWS APIs and SFTP on
// loopback) and the console built by `next build`, pointed at it. Ctrl-C stops both.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { ensureBootstrapAdmin } from '../lib/auth/local-users';
import { startLocalStack } from '../local/server';
import { ensureConsoleBuilt, nextBin, repoRoot as root } from './next-build';

const consolePort = Number(process.env.PORT ?? 3000);
const awsPort = Number(process.env.LOCAL_AWS_PORT ?? 4566);
const dataDir = path.resolve(root, process.env.LOCAL_AWS_DATA ?? '.local-aws');
const host = '127.0.0.1';

function persistentSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = randomBytes(32).toString('base64url');
  writeFileSync(file, value, { mode: 0o600 });
  return value;
}

async function waitForConsole(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the console exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url, { redirect: 'manual' });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the console did not answer at ${url} within 120 s`);
}

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const consoleUsersFile = process.env.CONSOLE_USERS_FILE ?? path.join(dataDir, 'console-users.json');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ENDPOINT_URL: `http://${host}:${awsPort}`,
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: '',
    LOCAL_AWS_DATA: dataDir,
    CONSOLE_USERS_FILE: consoleUsersFile,
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://${host}:${consolePort}`,
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? persistentSecret(path.join(dataDir, 'nextauth-secret')),
    NEXT_TELEMETRY_DISABLED: '1',
  };
  delete env.AWS_PROFILE;

  if (process.env.START_NO_BUILD !== '1') await ensureConsoleBuilt(env);

  const stack = await startLocalStack({ host, port: awsPort, dataDir, seed: true, sftp: true, faults: process.env.LOCAL_AWS_FAULTS });
  const admin = await ensureBootstrapAdmin(consoleUsersFile);

  const web = spawn(process.execPath, [nextBin, 'start', '-p', String(consolePort), '-H', host], { cwd: root, env, stdio: 'inherit' });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    web.kill('SIGTERM');
    await stack.close().catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  web.on('exit', (code) => void stop(code ?? 1));

  const url = `http://${host}:${consolePort}`;
  await waitForConsole(`${url}/signin`, web);
  console.log('');
  console.log(`Transfer Desk is running at ${url}`);
  console.log(`Local AWS APIs at ${stack.endpoint} (data in ${dataDir})`);
  if (admin) {
    // Shown once: only the hash is stored.
    console.log(`Sign in as "${admin.username}" with password: ${admin.password}`);
    console.log('This password is shown only now; it is stored hashed.');
  } else {
    console.log(`Sign in with the console users in ${consoleUsersFile} (reset one with: npm run console-user -- reset <name>).`);
  }
  console.log('Press Ctrl-C to stop.');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
