// Builds the console with `next build` when a source it bundles is newer than the last build.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '..');
export const nextBin = path.join(repoRoot, 'node_modules/next/dist/bin/next');

const bundledSources = ['app', 'components', 'lib', 'proxy.ts', 'next.config.ts', 'package-lock.json', 'tsconfig.json'];

function newestMtime(entry: string): number {
  const full = path.join(repoRoot, entry);
  if (!existsSync(full)) return 0;
  const stat = statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of readdirSync(full)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

export function consoleBuildIsStale(): boolean {
  const buildId = path.join(repoRoot, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return bundledSources.some((entry) => newestMtime(entry) > built);
}

export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(command)} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

export async function ensureConsoleBuilt(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!consoleBuildIsStale()) return;
  console.log('Building the console (next build)…');
  await runCommand(process.execPath, [nextBin, 'build'], { ...env, NEXT_TELEMETRY_DISABLED: '1' });
}
