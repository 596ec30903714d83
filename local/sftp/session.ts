// The session a login gets, built from the identity provider's answer the way Transfer reads it.
import type { Profile } from './posix';
import { VirtualFs } from './virtual-fs';

export type Session = { username: string; profile: Profile; fs: VirtualFs };

type PosixAnswer = { Uid?: unknown; Gid?: unknown; SecondaryGids?: unknown };
type MappingAnswer = { Entry?: unknown; Target?: unknown };

// Control characters, quotes and backslashes have no place in a path Transfer accepts.
const hasUnsafeCharacter = (value: string) => [...value].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f' || `"'\`\\`.includes(c));
const EFS_TARGET = /^\/fs-[0-9a-f]{8,40}(\/|$)/;

/**
 * An absolute path with no `.` or `..` segment, no empty segment (one trailing slash aside, where
 * allowed) and nothing unsafe: the only paths a session is built from, whatever a secret holds,
 * because the identity provider's answer is data written by whoever could write the secret.
 */
export function isSafeAbsolutePath(value: string, allowTrailingSlash = false): boolean {
  if (!value.startsWith('/') || hasUnsafeCharacter(value) || value.length > 1024) return false;
  if (value === '/') return true;
  const body = allowTrailingSlash && value.endsWith('/') ? value.slice(1, -1) : value.slice(1);
  return body.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a complete identity-provider answer into a session, or null when Transfer would refuse it. */
export function sessionFrom(username: string, answer: Record<string, unknown>, efsRoot: string): Session | null {
  if (typeof answer.Role !== 'string' || answer.Role === '') return null;
  const posix: PosixAnswer | null = isRecord(answer.PosixProfile) ? answer.PosixProfile : null;
  // The local servers are EFS servers: Transfer refuses an EFS login without a POSIX profile.
  if (!posix || typeof posix.Uid !== 'number' || typeof posix.Gid !== 'number') return null;
  const groups = Array.isArray(posix.SecondaryGids) ? posix.SecondaryGids.filter((g): g is number => typeof g === 'number') : [];
  const profile = { uid: posix.Uid, gid: posix.Gid, groups };
  const substitute = (target: string) => target.replaceAll('${transfer:UserName}', username);
  if (answer.HomeDirectoryType === 'LOGICAL') {
    let mappings: unknown;
    try {
      mappings = JSON.parse(String(answer.HomeDirectoryDetails));
    } catch {
      return null;
    }
    if (!Array.isArray(mappings) || mappings.length === 0) return null;
    const clean = mappings.map((m: unknown) => {
      const mapping: MappingAnswer = isRecord(m) ? m : {};
      return {
        entry: typeof mapping.Entry === 'string' ? mapping.Entry : '',
        target: substitute(typeof mapping.Target === 'string' ? mapping.Target : ''),
      };
    });
    if (clean.some((m) => !isSafeAbsolutePath(m.entry) || !isSafeAbsolutePath(m.target) || !EFS_TARGET.test(m.target))) return null;
    return { username, profile, fs: new VirtualFs(efsRoot, { type: 'LOGICAL', mappings: clean }) };
  }
  const directory = typeof answer.HomeDirectory === 'string' && answer.HomeDirectory !== '' ? substitute(answer.HomeDirectory) : '/';
  if (!isSafeAbsolutePath(directory, true) || (directory !== '/' && !EFS_TARGET.test(directory))) return null;
  return { username, profile, fs: new VirtualFs(efsRoot, { type: 'PATH', directory }) };
}
