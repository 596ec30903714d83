// The login decision Transfer asks the identity-provider Lambda for: an event and the user's stored
// secret in, the answer out. Pure (no AWS calls), so the Lambda, the local stack and the console's
// preview all give the same answer.
import {
  PROTOCOLS,
  TRANSFER_ROLE_PATTERN,
  USERNAME_PATTERN,
  lookup,
  parseStoredSecret,
  readExpiresAt,
  readFlag,
  readHomeDirectory,
  readHomeDirectoryDetails,
  readPosixProfile,
  readPublicKeys,
  storedPassword,
  type PosixProfile,
  type Protocol,
} from '../secret/contract';
import { ipInNetworks, parseCidrList } from '../secret/ip-network';
import { classifyArgon2idHash, constantTimeEqual, verifyPassword } from '../secret/password';

export type IdpEvent = {
  username?: unknown;
  password?: unknown;
  protocol?: unknown;
  serverId?: unknown;
  sourceIp?: unknown;
};

export type IdpAllowResponse = {
  Role: string;
  Policy?: string;
  PosixProfile?: PosixProfile;
  PublicKeys?: string[];
  HomeDirectoryType?: 'LOGICAL' | 'PATH';
  HomeDirectory?: string;
  HomeDirectoryDetails?: string;
};
/** A refusal is exactly `{}`, whatever the reason. */
export type IdpResponse = IdpAllowResponse | Record<string, never>;

/** Why a login is refused, in the order the decision checks; one place for the console and docs. */
export const REFUSAL_REASONS = [
  'INVALID_EVENT',
  'USER_NOT_FOUND',
  'SECRET_UNREADABLE',
  'SECRET_INVALID',
  'USER_DISABLED',
  'USER_EXPIRED',
  'SOURCE_IP_REFUSED',
  'EMPTY_PASSWORD_NOT_SFTP',
  'NO_PASSWORD_STORED',
  'WRONG_PASSWORD',
  'PASSWORD_HASH_TOO_COSTLY',
  'NO_PUBLIC_KEY_STORED',
  'NO_ROLE',
  'UNSAFE_HOME_DIRECTORY',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];
export const ALLOW_REASONS = ['PASSWORD_OK', 'PUBLIC_KEYS_RETURNED'] as const;
export const REASON_CODES = [...ALLOW_REASONS, ...REFUSAL_REASONS] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** Each reason in a sentence an admin understands (never shown to the user who logs in). */
export const REASON_DESCRIPTIONS: Readonly<Record<ReasonCode, string>> = {
  PASSWORD_OK: 'The password is correct; the login is allowed.',
  PUBLIC_KEYS_RETURNED: 'The user has SSH keys; the login is allowed when the client proves one of them.',
  INVALID_EVENT: 'The login request was malformed (for example a user name Transfer does not allow).',
  USER_NOT_FOUND: 'There is no such user on this server.',
  SECRET_UNREADABLE: 'The user’s secret could not be read.',
  SECRET_INVALID: 'The user’s secret holds a value the login cannot read; fix it in the console.',
  USER_DISABLED: 'The user is disabled.',
  USER_EXPIRED: 'The user’s access has expired.',
  SOURCE_IP_REFUSED: 'The login came from an address outside the user’s allowed networks.',
  EMPTY_PASSWORD_NOT_SFTP: 'A login without a password is only possible over SFTP with an SSH key.',
  NO_PASSWORD_STORED: 'The user has no password for this protocol.',
  WRONG_PASSWORD: 'The password is wrong.',
  PASSWORD_HASH_TOO_COSTLY: 'The stored password hash asks for more argon2 memory or passes than the Lambda allows; reset the password.',
  NO_PUBLIC_KEY_STORED: 'The user has no SSH key for this protocol.',
  NO_ROLE: 'The user has no valid IAM role.',
  UNSAFE_HOME_DIRECTORY: 'The user’s home folder or mappings hold a path that could lead outside them (such as ..); fix it in the console.',
};

export type LoginEvent = {
  username: string;
  password: string;
  protocol: Protocol;
  serverId: string;
  sourceIp: string | null;
};

export type LoginDecision =
  | { allowed: true; reason: 'PASSWORD_OK' | 'PUBLIC_KEYS_RETURNED'; response: IdpAllowResponse }
  | { allowed: false; reason: RefusalReason; response: Record<string, never> };

const LOOSE_SERVER_ID = /^[\w-]{1,64}$/;

function refuse(reason: RefusalReason): LoginDecision {
  return { allowed: false, reason, response: {} };
}

/** Checks the event's shape; a user name with `/` or `..` can never name another secret. */
export function readLoginEvent(event: unknown): LoginEvent | null {
  if (typeof event !== 'object' || event === null) return null;
  const { username, password, protocol, serverId, sourceIp } = event as IdpEvent;
  if (typeof username !== 'string' || !USERNAME_PATTERN.test(username) || username.includes('..')) return null;
  // Transfer's ids are `s-` and 17 hex digits, but hand-made test events (AWS's own examples use
  // `s-abcd123456`) must get the sample Lambda's answer: only a safe path segment is required.
  if (typeof serverId !== 'string' || !LOOSE_SERVER_ID.test(serverId)) return null;
  if (typeof protocol !== 'string' || !(PROTOCOLS as readonly string[]).includes(protocol)) return null;
  if (password !== undefined && password !== null && typeof password !== 'string') return null;
  if (sourceIp !== undefined && sourceIp !== null && typeof sourceIp !== 'string') return null;
  return {
    username,
    password: password ?? '',
    protocol: protocol as Protocol,
    serverId,
    sourceIp: sourceIp ? sourceIp : null,
  };
}

/**
 * Decides a login against the user's SecretString (null when the secret does not exist). `verify` is
 * the argon2id check: lib/secret's own for the Lambda and the local stack; the console passes its
 * native one (lib/console/argon2.ts), which reads the same strings within the same bounds.
 */
export async function decideLogin(
  event: LoginEvent,
  secretString: string | null,
  now: Date = new Date(),
  verify: (password: string, phc: string) => Promise<boolean> = verifyPassword,
): Promise<LoginDecision> {
  if (secretString === null) return refuse('USER_NOT_FOUND');
  const parsed = parseStoredSecret(secretString);
  if (!parsed.ok) return refuse('SECRET_INVALID');
  const secret = parsed.secret;
  const { protocol } = event;

  if (readFlag(lookup(secret, 'Disabled', protocol))) return refuse('USER_DISABLED');

  const expiresAt = lookup(secret, 'ExpiresAt', protocol);
  if (expiresAt !== undefined && expiresAt !== null && expiresAt !== '') {
    const expiry = readExpiresAt(expiresAt);
    if (!expiry.ok) return refuse('SECRET_INVALID');
    if (now.getTime() >= expiry.value.getTime()) return refuse('USER_EXPIRED');
  }

  const allowList = lookup(secret, 'AcceptedIpNetwork', protocol);
  if (allowList !== undefined && allowList !== null && allowList !== '') {
    if (typeof allowList !== 'string') return refuse('SECRET_INVALID');
    const cidrs = parseCidrList(allowList);
    if (!cidrs.ok) return refuse('SECRET_INVALID');
    if (cidrs.cidrs.length > 0 && (event.sourceIp === null || !ipInNetworks(event.sourceIp, cidrs.cidrs))) {
      return refuse('SOURCE_IP_REFUSED');
    }
  }

  let publicKeys: string[] | undefined;
  if (event.password !== '') {
    const stored = storedPassword(secret, protocol);
    if (!stored) return refuse('NO_PASSWORD_STORED');
    // A hash beyond the cost bounds is refused before any work, whatever the password.
    if (stored.kind === 'hash' && classifyArgon2idHash(stored.value) === 'too-costly') return refuse('PASSWORD_HASH_TOO_COSTLY');
    const matches = stored.kind === 'hash' ? await verify(event.password, stored.value) : constantTimeEqual(event.password, stored.value);
    if (!matches) return refuse('WRONG_PASSWORD');
  } else {
    // An empty password means a key login, which only SFTP has: FTP/FTPS must never pass without one.
    if (protocol !== 'SFTP') return refuse('EMPTY_PASSWORD_NOT_SFTP');
    publicKeys = readPublicKeys(lookup(secret, 'PublicKey', protocol));
    if (publicKeys.length === 0) return refuse('NO_PUBLIC_KEY_STORED');
  }

  const role = lookup(secret, 'Role', protocol);
  if (typeof role !== 'string' || role.length < 20 || role.length > 2048 || !TRANSFER_ROLE_PATTERN.test(role)) return refuse('NO_ROLE');
  const response: IdpAllowResponse = { Role: role };

  const policy = lookup(secret, 'Policy', protocol);
  if (typeof policy === 'string' && policy !== '') response.Policy = policy;
  else if (typeof policy === 'object' && policy !== null) response.Policy = JSON.stringify(policy);

  const details = lookup(secret, 'HomeDirectoryDetails', protocol);
  const homeDirectory = lookup(secret, 'HomeDirectory', protocol);
  const hasDetails = details !== undefined && details !== null && details !== '';
  // An unsafe path is refused even when the mappings take precedence: nothing unsafe is ever used.
  // Without mappings, a home that is not a path is refused too: leaving it out would land the user
  // at / (every file system of the server).
  let home: string | null = null;
  if (homeDirectory !== undefined && homeDirectory !== null && homeDirectory !== '') {
    const read = readHomeDirectory(homeDirectory);
    if (!read.ok && read.unsafe) return refuse('UNSAFE_HOME_DIRECTORY');
    if (!read.ok && !hasDetails) return refuse('SECRET_INVALID');
    home = read.ok ? read.value : null;
  }
  if (hasDetails) {
    const mappings = readHomeDirectoryDetails(details);
    if (!mappings.ok) return refuse(mappings.unsafe ? 'UNSAFE_HOME_DIRECTORY' : 'SECRET_INVALID');
    // A stored JSON string goes back untouched, byte for byte as AWS's sample Lambda returns it.
    response.HomeDirectoryDetails = typeof details === 'string' ? details : JSON.stringify(mappings.value);
    response.HomeDirectoryType = 'LOGICAL';
  } else if (home !== null) {
    response.HomeDirectory = home;
  }

  const posix = lookup(secret, 'PosixProfile', protocol);
  if (posix !== undefined && posix !== null && posix !== '') {
    const profile = readPosixProfile(posix);
    if (!profile.ok) return refuse('SECRET_INVALID');
    response.PosixProfile = profile.value;
  }

  if (publicKeys) {
    response.PublicKeys = publicKeys;
    return { allowed: true, reason: 'PUBLIC_KEYS_RETURNED', response };
  }
  return { allowed: true, reason: 'PASSWORD_OK', response };
}
