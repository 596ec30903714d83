// Local console accounts (the embedded default): a JSON file of users with argon2id hashes.
// Production sign-in uses OIDC instead (lib/auth/options.ts).
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generatePassword, hashPassword } from '../secret/password';
import { clock } from './clock';
import { passwordPool } from './password-pool';
import { isRole, type Role } from './roles';

/** `sessionsValidAfter` (ms): sessions signed in at or before it are over (set by reset, role change). */
export type LocalUser = { username: string; role: Role; passwordHash: string; sessionsValidAfter?: number };
type LocalUsersFile = { users: LocalUser[] };

export function consoleUsersFile(): string {
  return process.env.CONSOLE_USERS_FILE ?? path.join(process.env.LOCAL_AWS_DATA ?? '.local-aws', 'console-users.json');
}

export async function readLocalUsers(file = consoleUsersFile()): Promise<LocalUser[]> {
  // The accounts file is chosen at run time; nothing under it belongs in the build's file trace.
  if (!existsSync(/*turbopackIgnore: true*/ file)) return [];
  const parsed = JSON.parse(await readFile(/*turbopackIgnore: true*/ file, 'utf8')) as Partial<LocalUsersFile>;
  return (parsed.users ?? []).filter(
    (u): u is LocalUser =>
      typeof u?.username === 'string' &&
      isRole(u.role) &&
      typeof u.passwordHash === 'string' &&
      (u.sessionsValidAfter === undefined || typeof u.sessionsValidAfter === 'number'),
  );
}

const cache = new Map<string, { signature: string; users: LocalUser[] }>();

/**
 * The accounts as every request checks them: re-read whenever the file's inode, size or mtime
 * changes (a stat per request), so a change made by another instance or by the CLI counts at once.
 */
export async function currentLocalUsers(file = consoleUsersFile()): Promise<LocalUser[]> {
  let signature: string;
  try {
    const info = await stat(/*turbopackIgnore: true*/ file);
    signature = `${info.ino}:${info.size}:${info.mtimeMs}`;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const cached = cache.get(file);
  if (cached?.signature === signature) return cached.users;
  const users = await readLocalUsers(file);
  cache.set(file, { signature, users });
  return users;
}

async function writeLocalUsers(file: string, users: LocalUser[]): Promise<void> {
  await mkdir(/*turbopackIgnore: true*/ path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(/*turbopackIgnore: true*/ temp, `${JSON.stringify({ users }, null, 2)}\n`, { mode: 0o600 });
  await rename(/*turbopackIgnore: true*/ temp, file);
}

/** Adds a user, or replaces the password and role of an existing one (which ends its sessions). */
export async function addLocalUser(file: string, user: { username: string; role: Role; password: string }): Promise<void> {
  const all = await readLocalUsers(file);
  const replacing = all.some((u) => u.username === user.username);
  const users = all.filter((u) => u.username !== user.username);
  users.push({
    username: user.username,
    role: user.role,
    passwordHash: await hashPassword(user.password),
    ...(replacing ? { sessionsValidAfter: clock.now() } : {}),
  });
  await writeLocalUsers(file, users);
}

/** Changes an account's role and ends its sessions. False when there is no such account. */
export async function setLocalUserRole(file: string, username: string, role: Role): Promise<boolean> {
  const users = await readLocalUsers(file);
  const user = users.find((u) => u.username === username);
  if (!user) return false;
  user.role = role;
  user.sessionsValidAfter = clock.now();
  await writeLocalUsers(file, users);
  return true;
}

/** Removes an account (its sessions end with it). False when there is no such account. */
export async function removeLocalUser(file: string, username: string): Promise<boolean> {
  const users = await readLocalUsers(file);
  const remaining = users.filter((u) => u.username !== username);
  if (remaining.length === users.length) return false;
  await writeLocalUsers(file, remaining);
  return true;
}

/** Creates `admin` with a generated password when the file has no admin; the caller shows it once. */
export async function ensureBootstrapAdmin(file = consoleUsersFile()): Promise<{ username: string; password: string } | null> {
  const users = await readLocalUsers(file);
  if (users.some((u) => u.role === 'admin')) return null;
  const password = generatePassword();
  await addLocalUser(file, { username: 'admin', role: 'admin', password });
  return { username: 'admin', password };
}

// Unknown user names are checked against this hash too, so a sign-in takes as long whether the
// name exists or not.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1qE7CZ0K0N0z1m3Hj0s3oFQJv3tYbQfQe2vJrj5y3ZI';

/** Checks a sign-in in the password worker pool; `source` (the client's address) bounds one client's share of it. */
export async function verifyLocalUser(
  username: string,
  password: string,
  file = consoleUsersFile(),
  source?: string,
): Promise<{ username: string; role: Role } | null> {
  const user = (await currentLocalUsers(file)).find((u) => u.username === username);
  const ok = await passwordPool().verify(password, user?.passwordHash ?? DUMMY_HASH, source);
  return user && ok ? { username: user.username, role: user.role } : null;
}
