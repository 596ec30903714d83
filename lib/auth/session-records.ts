// Server-side session records: one small file per signed-in session, beside the console accounts
// (or in CONSOLE_SESSIONS_DIR), so every console instance that mounts the same directory sees a
// sign-out at once. The file's mtime is the session's last activity (the idle timeout); deleting the
// file ends the session. The record itself is written once, at sign-in, and never rewritten, so a
// sign-out cannot be undone by a late write; what changes (the OIDC re-check time and tokens, which
// live here and never in the browser's cookie) goes to a `<sid>.state.json` beside it.
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

function recordFile(dir: string, sid: string, kind: 'record' | 'state' = 'record'): string {
  if (!isSessionId(sid)) throw new Error('not a session id');
  return path.join(/*turbopackIgnore: true*/ dir, kind === 'record' ? `${sid}.json` : `${sid}.state.json`);
}

async function writeAtomically(file: string, text: string, mtime: number): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(/*turbopackIgnore: true*/ temp, text, { mode: 0o600 });
  await utimes(/*turbopackIgnore: true*/ temp, mtime / 1000, mtime / 1000);
  await rename(/*turbopackIgnore: true*/ temp, file);
}

function stateOf(record: SessionRecord): Pick<SessionRecord, 'roleCheckedAt' | 'oidc'> {
  return { roleCheckedAt: record.roleCheckedAt, oidc: record.oidc };
}

export async function createSessionRecord(sid: string, record: SessionRecord, dir = sessionsDir()): Promise<void> {
  await mkdir(/*turbopackIgnore: true*/ dir, { recursive: true, mode: 0o700 });
  await writeAtomically(recordFile(dir, sid, 'state'), JSON.stringify(stateOf(record)), record.createdAt);
  const { username, role, provider, createdAt } = record;
  await writeAtomically(recordFile(dir, sid), JSON.stringify({ username, role, provider, createdAt }), record.createdAt);
}

/** Saves what a re-check learnt (and marks the session active); the session record stays as it was. */
export async function updateSessionRecord(sid: string, record: SessionRecord, lastSeenAt: number, dir = sessionsDir()): Promise<void> {
  if (!(await readSessionRecord(sid, dir))) return;
  await writeAtomically(recordFile(dir, sid, 'state'), JSON.stringify(stateOf(record)), lastSeenAt);
  await touchSessionRecord(sid, lastSeenAt, dir);
}

function parseRecord(text: string): SessionRecord | null {
  try {
    const value = JSON.parse(text) as Partial<SessionRecord>;
    if (typeof value.username !== 'string' || !isRole(value.role) || typeof value.provider !== 'string' || typeof value.createdAt !== 'number')
      return null;
    return { username: value.username, role: value.role, provider: value.provider, createdAt: value.createdAt };
  } catch {
    return null;
  }
}

async function readState(dir: string, sid: string): Promise<Pick<SessionRecord, 'roleCheckedAt' | 'oidc'>> {
  try {
    const value = JSON.parse(await readFile(/*turbopackIgnore: true*/ recordFile(dir, sid, 'state'), 'utf8')) as Pick<
      SessionRecord,
      'roleCheckedAt' | 'oidc'
    >;
    return {
      ...(typeof value.roleCheckedAt === 'number' ? { roleCheckedAt: value.roleCheckedAt } : {}),
      ...(value.oidc && typeof value.oidc === 'object' ? { oidc: value.oidc } : {}),
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof SyntaxError) return {};
    throw err;
  }
}

/** The record and its last activity, or null when the session was ended (or never existed). */
export async function readSessionRecord(sid: string, dir = sessionsDir()): Promise<{ record: SessionRecord; lastSeenAt: number } | null> {
  if (!isSessionId(sid)) return null;
  const file = recordFile(dir, sid);
  try {
    const [text, info] = await Promise.all([readFile(/*turbopackIgnore: true*/ file, 'utf8'), stat(/*turbopackIgnore: true*/ file)]);
    const record = parseRecord(text);
    return record ? { record: { ...record, ...(await readState(dir, sid)) }, lastSeenAt: info.mtimeMs } : null;
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

async function unlinkIfThere(file: string): Promise<void> {
  await unlink(/*turbopackIgnore: true*/ file).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

export async function endSession(sid: unknown, dir = sessionsDir()): Promise<void> {
  if (!isSessionId(sid)) return;
  await unlinkIfThere(recordFile(dir, sid));
  await unlinkIfThere(recordFile(dir, sid, 'state'));
}

async function listFiles(dir: string): Promise<string[]> {
  try {
    return await readdir(/*turbopackIgnore: true*/ dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function listRecords(dir: string): Promise<string[]> {
  return (await listFiles(dir)).filter((name) => name.endsWith('.json') && isSessionId(name.slice(0, -5))).map((name) => name.slice(0, -5));
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
  const live = new Set(await listRecords(dir));
  for (const name of await listFiles(dir)) {
    const sid = name.endsWith('.state.json') ? name.slice(0, -'.state.json'.length) : null;
    if (sid && isSessionId(sid) && !live.has(sid)) await unlinkIfThere(path.join(/*turbopackIgnore: true*/ dir, name));
  }
}
