// POSIX permission checks against the user's profile, the SFTP status a failure maps to, and the
// attributes and `ls -l` lines the client sees.
import type { Stats } from 'node:fs';
import ssh2, { type Attributes } from 'ssh2';

const { STATUS_CODE } = ssh2.utils.sftp;

export type Profile = { uid: number; gid: number; groups: number[] };

export const R = 4;
export const W = 2;
export const X = 1;

/** Whether the profile has every `want` bit on the object, as the kernel would decide (UID 0 bypasses). */
export function can(stats: Stats, profile: Profile, want: number): boolean {
  if (profile.uid === 0) return true;
  if (stats.uid === profile.uid) return ((stats.mode >> 6) & want) === want;
  if (stats.gid === profile.gid || profile.groups.includes(stats.gid)) return ((stats.mode >> 3) & want) === want;
  return (stats.mode & want) === want;
}

/** Permission bits a user may set: setuid, setgid and sticky are always dropped. */
export const PERMISSION_BITS = 0o777;

export function attrsOf(stats: Stats): Attributes {
  return {
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
    size: stats.size,
    atime: Math.floor(stats.atimeMs / 1000),
    mtime: Math.floor(stats.mtimeMs / 1000),
  };
}

export const DIR_ATTRS: Attributes = { mode: 0o40555, uid: 0, gid: 0, size: 0, atime: 0, mtime: 0 };

export function longname(name: string, attrs: Attributes): string {
  const type = (attrs.mode & 0o170000) === 0o040000 ? 'd' : (attrs.mode & 0o170000) === 0o120000 ? 'l' : '-';
  const bits = ['r', 'w', 'x', 'r', 'w', 'x', 'r', 'w', 'x'].map((c, i) => ((attrs.mode >> (8 - i)) & 1 ? c : '-')).join('');
  const date = new Date(attrs.mtime * 1000);
  const month = date.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const when = `${month} ${String(date.getUTCDate()).padStart(2)} ${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')}`;
  return `${type}${bits}    1 ${String(attrs.uid).padEnd(8)} ${String(attrs.gid).padEnd(8)} ${String(attrs.size).padStart(12)} ${when} ${name}`;
}

/** A failed SFTP request: the status code and message the client is answered with. */
export class SftpFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const denied = (what = 'Permission denied') => new SftpFailure(STATUS_CODE.PERMISSION_DENIED, what);
export const missing = () => new SftpFailure(STATUS_CODE.NO_SUCH_FILE, 'No such file');
export const failure = (what: string) => new SftpFailure(STATUS_CODE.FAILURE, what);

/** The SFTP answer for any error; a file-system error's text never reaches the client. */
export function toFailure(err: unknown): SftpFailure {
  if (err instanceof SftpFailure) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return missing();
  if (code === 'EACCES' || code === 'EPERM') return denied();
  if (code === 'EEXIST') return failure('File exists');
  if (code === 'ENOTEMPTY') return failure('Directory not empty');
  return failure('Failure');
}
