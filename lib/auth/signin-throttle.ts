// Sign-in back-off per account name and per source address: after a few failures each further try
// must wait twice as long as the last (capped), and a try during the wait is refused without running
// argon2. The counters are small files beside the console accounts (or in CONSOLE_THROTTLE_DIR), so
// every console instance that mounts the same directory shares them; two instances racing on one
// counter may lose an increment, which only makes the back-off a little later, never wrong.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { consoleUsersFile } from './local-users';

export type ThrottlePolicy = { freeFailures: number; baseDelayMs: number; maxDelayMs: number; forgetAfterMs: number };

export const ACCOUNT_POLICY: ThrottlePolicy = { freeFailures: 5, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 };
// Several people can share one address (an office NAT), so a source gets more free failures.
export const SOURCE_POLICY: ThrottlePolicy = { freeFailures: 20, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 };

type Counter = { failures: number; lastFailureAt: number; blockedUntil: number };

export function throttleDir(): string {
  return process.env.CONSOLE_THROTTLE_DIR ?? path.join(path.dirname(consoleUsersFile()), 'console-signin-throttle');
}

function counterFile(dir: string, key: string): string {
  return path.join(/*turbopackIgnore: true*/ dir, `${createHash('sha256').update(key).digest('hex')}.json`);
}

async function readCounter(dir: string, key: string): Promise<Counter | null> {
  try {
    const value = JSON.parse(await readFile(/*turbopackIgnore: true*/ counterFile(dir, key), 'utf8')) as Partial<Counter>;
    if (typeof value.failures !== 'number' || typeof value.lastFailureAt !== 'number' || typeof value.blockedUntil !== 'number') return null;
    return value as Counter;
  } catch {
    return null;
  }
}

async function writeCounter(dir: string, key: string, counter: Counter): Promise<void> {
  await mkdir(/*turbopackIgnore: true*/ dir, { recursive: true, mode: 0o700 });
  const file = counterFile(dir, key);
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(/*turbopackIgnore: true*/ temp, JSON.stringify(counter), { mode: 0o600 });
  await rename(/*turbopackIgnore: true*/ temp, file);
}

export type ThrottleKey = { key: string; policy: ThrottlePolicy };

export function signInKeys(username: string, source: string | null): ThrottleKey[] {
  const keys: ThrottleKey[] = [{ key: `account:${username.toLowerCase()}`, policy: ACCOUNT_POLICY }];
  if (source) keys.push({ key: `source:${source}`, policy: SOURCE_POLICY });
  return keys;
}

/** The time until which sign-in is refused for any of the keys, or 0 when it may go ahead. */
export async function blockedUntil(keys: ThrottleKey[], now: number, dir = throttleDir()): Promise<number> {
  let until = 0;
  for (const { key, policy } of keys) {
    const counter = await readCounter(dir, key);
    if (counter && now - counter.lastFailureAt <= policy.forgetAfterMs && counter.blockedUntil > now) until = Math.max(until, counter.blockedUntil);
  }
  return until;
}

export async function recordFailure(keys: ThrottleKey[], now: number, dir = throttleDir()): Promise<void> {
  for (const { key, policy } of keys) {
    const previous = await readCounter(dir, key);
    const failures = (previous && now - previous.lastFailureAt <= policy.forgetAfterMs ? previous.failures : 0) + 1;
    const over = failures - policy.freeFailures;
    const delay = over > 0 ? Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(over - 1, 30)) : 0;
    await writeCounter(dir, key, { failures, lastFailureAt: now, blockedUntil: delay > 0 ? now + delay : 0 });
  }
}

/** A successful sign-in clears the account's counter; the source's stays (one good password must not unlock guessing others). */
export async function recordSuccess(username: string, dir = throttleDir()): Promise<void> {
  await unlink(/*turbopackIgnore: true*/ counterFile(dir, `account:${username.toLowerCase()}`)).catch(() => undefined);
}

/** One IPv6 user usually holds a whole /64, so that is the unit a source is counted in. */
function sourceKey(address: string): string {
  const zoneless = address.toLowerCase().split('%')[0] ?? '';
  const mapped = zoneless.slice(zoneless.lastIndexOf(':') + 1);
  if (isIP(zoneless) === 4) return zoneless;
  if (isIP(zoneless) !== 6) return 'unparseable';
  if (zoneless.includes('.') && isIP(mapped) === 4) return mapped;
  const [head = '', tail] = zoneless.split('::');
  const front = head ? head.split(':') : [];
  const back = tail ? tail.split(':') : [];
  const groups = tail === undefined ? front : [...front, ...Array<string>(8 - front.length - back.length).fill('0'), ...back];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * The client's address as the nearest trusted proxy saw it. With SIGNIN_TRUSTED_PROXIES=n (say 1
 * behind an ALB) it is the n-th address from the right of X-Forwarded-For; without it, the rightmost
 * entry (what `next start` fills in from the socket when no proxy sent one). Anything that is not an
 * address shares one bucket, so garbage cannot dodge the per-source count.
 */
export function sourceAddress(headers: Record<string, unknown> | undefined, env: Record<string, string | undefined> = process.env): string | null {
  const raw = headers?.['x-forwarded-for'];
  const value = Array.isArray(raw) ? raw.join(',') : typeof raw === 'string' ? raw : '';
  const hops = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (hops.length === 0) return null;
  const trusted = Math.max(1, Number(env.SIGNIN_TRUSTED_PROXIES) || 1);
  return sourceKey(hops[Math.max(0, hops.length - trusted)] ?? '');
}

let lastSweep = 0;

/** Deletes counters nobody failed on for longer than any policy remembers; at most every 10 minutes per process. */
export async function sweepThrottle(now: number, dir = throttleDir()): Promise<void> {
  if (now - lastSweep < 10 * 60_000) return;
  lastSweep = now;
  const forget = Math.max(ACCOUNT_POLICY.forgetAfterMs, SOURCE_POLICY.forgetAfterMs, ACCOUNT_POLICY.maxDelayMs, SOURCE_POLICY.maxDelayMs);
  let names: string[];
  try {
    names = await readdir(/*turbopackIgnore: true*/ dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const name of names) {
    const file = path.join(/*turbopackIgnore: true*/ dir, name);
    const info = await stat(/*turbopackIgnore: true*/ file).catch(() => null);
    if (info && now - info.mtimeMs > forget) await unlink(/*turbopackIgnore: true*/ file).catch(() => undefined);
  }
}
