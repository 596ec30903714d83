// Server-side session records: one small file per signed-in session, beside the console accounts
// (or in CONSOLE_SESSIONS_DIR), so every console instance that mounts the same directory sees a
// sign-out at once. The file's mtime is the session's last activity (the idle timeout); deleting the
// file ends the session. OIDC refresh tokens live here, never in the browser's cookie.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { consoleUsersFile } from './local-users';
import { isRole, type Role } from './roles';

export type SessionRecord = {
  username: string;
  role: Role;
  provider: string;
  createdAt: number;
  roleCheckedAt?: number;
  oidc?: { accessToken?: string; accessTokenExpiresAt?: number; refreshToken?: string };
};

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID.test(value);
}

export function sessionsDir(): string {
  return process.env.CONSOLE_SESSIONS_DIR ?? path.join(path.dirname(consoleUsersFile()), 'console-sessions');
}

function recordFile(dir: string, sid: string): string {
  if (!isSessionId(sid)) throw new Error('not a session id');
  return path.join(/*turbopackIgnore: true*/ dir, `${sid}.json`);
}

async function writeRecord(dir: string, sid: string, record: SessionRecord, lastSeenAt: number): Promise<void> {
  await mkdir(/*turbopackIgnore: true*/ dir, { recursive: true, mode: 0o700 });
  const file = recordFile(dir, sid);
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(/*turbopackIgnore: true*/ temp, JSON.stringify(record), { mode: 0o600 });
  await utimes(/*turbopackIgnore: true*/ temp, lastSeenAt / 1000, lastSeenAt / 1000);
  await rename(/*turbopackIgnore: true*/ temp, file);
}

export async function createSessionRecord(sid: string, record: SessionRecord, dir = sessionsDir()): Promise<void> {
  await writeRecord(dir, sid, record, record.createdAt);
}

export async function updateSessionRecord(sid: string, record: SessionRecord, lastSeenAt: number, dir = sessionsDir()): Promise<void> {
  await writeRecord(dir, sid, record, lastSeenAt);
}

function parseRecord(text: string): SessionRecord | null {
  try {
    const value = JSON.parse(text) as Partial<SessionRecord>;
    if (typeof value.username !== 'string' || !isRole(value.role) || typeof value.provider !== 'string' || typeof value.createdAt !== 'number') return null;
    return value as SessionRecord;
  } catch {
    return null;
  }
}

/** The record and its last activity, or null when the session was ended (or never existed). */
export async function readSessionRecord(sid: string, dir = sessionsDir()): Promise<{ record: SessionRecord; lastSeenAt: number } | null> {
  if (!isSessionId(sid)) return null;
  const file = recordFile(dir, sid);
  try {
    const [text, info] = await Promise.all([readFile(/*turbopackIgnore: true*/ file, 'utf8'), stat(/*turbopackIgnore: true*/ file)]);
    const record = parseRecord(text);
    return record ? { record, lastSeenAt: info.mtimeMs } : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export async function touchSessionRecord(sid: string, now: number, dir = sessionsDir()): Promise<void> {
  try {
    await utimes(/*turbopackIgnore: true*/ recordFile(dir, sid), now / 1000, now / 1000);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export async function endSession(sid: unknown, dir = sessionsDir()): Promise<void> {
  if (!isSessionId(sid)) return;
  await unlink(/*turbopackIgnore: true*/ recordFile(dir, sid)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

async function listRecords(dir: string): Promise<string[]> {
  try {
    return (await readdir(/*turbopackIgnore: true*/ dir)).filter((name) => name.endsWith('.json') && isSessionId(name.slice(0, -5))).map((name) => name.slice(0, -5));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Ends every session of one account (removal, password reset, role change). Returns how many. */
export async function endSessionsOf(username: string, dir = sessionsDir()): Promise<number> {
  let ended = 0;
  for (const sid of await listRecords(dir)) {
    const found = await readSessionRecord(sid, dir).catch(() => null);
    if (found?.record.username === username) {
      await endSession(sid, dir);
      ended++;
    }
  }
  return ended;
}

/** Deletes the records of sessions past their absolute or idle limit. */
export async function sweepSessionRecords(now: number, limits: { absoluteMs: number; idleMs: number }, dir = sessionsDir()): Promise<void> {
  for (const sid of await listRecords(dir)) {
    const found = await readSessionRecord(sid, dir).catch(() => null);
    if (!found || now - found.record.createdAt > limits.absoluteMs || now - found.lastSeenAt > limits.idleMs) await endSession(sid, dir);
  }
}
