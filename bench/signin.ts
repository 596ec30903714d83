// Console sign-in under guessing: sign-in throughput while 8 clients send wrong passwords in
// parallel, and the latency of an unrelated page (GET /signin) meanwhile, against the same page idle.
// Runs the `next build` output (built first when stale) on a loopback port with a throwaway account
// file; no AWS is needed. Each guess names another account and claims another X-Forwarded-For, as a
// distributed guesser would, so the figures show argon2 work, not the back-off refusing it early.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addLocalUser } from '../lib/auth/local-users';
import { ensureConsoleBuilt, nextBin, repoRoot } from '../scripts/next-build';
import { ms, percentile } from './stats';

const GUESSERS = 8;
const WINDOW_MS = 15_000;
const SAMPLES = 60;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitFor(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within 60 s`);
}

async function timePage(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}`);
  return performance.now() - started;
}

async function pageLatencies(url: string, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    samples.push(await timePage(url));
    await new Promise((r) => setTimeout(r, 50));
  }
  return samples;
}

async function csrf(base: string): Promise<{ token: string; cookie: string }> {
  const response = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { token: csrfToken, cookie };
}

async function guess(base: string, session: { token: string; cookie: string }, n: number): Promise<boolean> {
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: session.cookie,
      'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
    },
    body: new URLSearchParams({ csrfToken: session.token, username: n % 2 ? 'bench-admin' : `nobody${n}`, password: `wrong-${n}`, json: 'true' }),
  });
  await response.arrayBuffer();
  return response.status < 500;
}

export async function runSigninBench(): Promise<void> {
  await ensureConsoleBuilt();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-signin-'));
  const usersFile = path.join(dataDir, 'console-users.json');
  await addLocalUser(usersFile, { username: 'bench-admin', role: 'admin', password: 'Bench-password-2026!' });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const web = spawn(process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: repoRoot,
    stdio: 'ignore',
    env: {
      ...process.env,
      CONSOLE_USERS_FILE: usersFile,
      LOCAL_AWS_DATA: dataDir,
      NEXTAUTH_URL: base,
      NEXTAUTH_SECRET: 'bench-secret-0123456789abcdef0123456789',
      NEXT_TELEMETRY_DISABLED: '1',
    },
  });
  try {
    await waitFor(`${base}/signin`);
    await pageLatencies(`${base}/signin`, 10);
    const idle = await pageLatencies(`${base}/signin`, SAMPLES);

    let guesses = 0;
    let failed = 0;
    let counter = 0;
    const stopAt = performance.now() + WINDOW_MS;
    const guessers = Array.from({ length: GUESSERS }, async () => {
      const session = await csrf(base);
      while (performance.now() < stopAt) {
        if (await guess(base, session, ++counter)) guesses++;
        else failed++;
      }
    });
    await new Promise((r) => setTimeout(r, 1_000));
    const loaded: number[] = [];
    while (performance.now() < stopAt - 500) {
      loaded.push(await timePage(`${base}/signin`));
      await new Promise((r) => setTimeout(r, 50));
    }
    await Promise.all(guessers);
    const seconds = WINDOW_MS / 1000;
    console.log(
      `sign-in under ${GUESSERS} parallel wrong guessers: ${(guesses / seconds).toFixed(1)} guesses/s answered (${guesses} in ${seconds} s, ${failed} server errors)`,
    );
    console.log(`GET /signin idle:        p50 ${ms(percentile(idle, 50))}, p95 ${ms(percentile(idle, 95))} (${idle.length} samples)`);
    console.log(`GET /signin under guess: p50 ${ms(percentile(loaded, 50))}, p95 ${ms(percentile(loaded, 95))} (${loaded.length} samples)`);
    console.log(`p50 ratio under guessing / idle: ${(percentile(loaded, 50) / percentile(idle, 50)).toFixed(2)}× (goal ≤ 2×)`);
  } finally {
    web.kill('SIGTERM');
    await new Promise((r) => web.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
