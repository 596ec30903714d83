// The per-user secret contract, shared by the console (which writes secrets) and the Lambda (which
// reads them at every login). A user is one Secrets Manager secret `<prefix><serverId>/<username>`
// holding a JSON object; see docs/secret-contract.md for every key.
import { z } from 'zod';
import { parseCidrList } from './ip-network';
import { isArgon2idHash } from './password';
import { parseSshPublicKey } from './ssh-public-key';

export const DEFAULT_SECRET_PREFIX = 'aws/transfer/';
export const PROTOCOLS = ['SFTP', 'FTP', 'FTPS'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const SECRET_KEYS = [
  'PasswordHash',
  'Password',
  'PublicKey',
  'Role',
  'Policy',
  'PosixProfile',
  'HomeDirectoryDetails',
  'HomeDirectory',
  'AcceptedIpNetwork',
  'Disabled',
  'ExpiresAt',
] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

export const USERNAME_PATTERN = /^[\w][\w@.-]{2,99}$/;
export const SERVER_ID_PATTERN = /^s-[0-9a-f]{17}$/;
export const EFS_ID_PATTERN = /^fs-[0-9a-f]{8,40}$/;
export const ROLE_ARN_PATTERN = /^arn:.*role\/\S+$/;
export const MAX_UINT32 = 4_294_967_295;
export const MAX_SECONDARY_GIDS = 16;
export const MAX_POLICY_LENGTH = 2048;
export const MAX_PATH_LENGTH = 1024;
export type StorageDomain = 'EFS' | 'S3';

// ---------------------------------------------------------------------------------------------
// Names

export const usernameSchema = z
  .string({ error: 'Enter a user name' })
  .trim()
  .min(3, 'User names are 3 to 100 characters long')
  .max(100, 'User names are 3 to 100 characters long')
  .regex(USERNAME_PATTERN, 'Use letters, digits, underscore, hyphen, period and @, not starting with a hyphen, period or @')
  .refine((name) => name !== 'root', 'The user name "root" is not allowed on SFTP');

export const serverIdSchema = z.string().regex(SERVER_ID_PATTERN, 'A server id looks like s-0123456789abcdef0');

export function secretName(serverId: string, username: string, prefix = DEFAULT_SECRET_PREFIX): string {
  return `${prefix}${serverId}/${username}`;
}

export function parseSecretName(name: string, prefix = DEFAULT_SECRET_PREFIX): { serverId: string; username: string } | null {
  if (!name.startsWith(prefix)) return null;
  const [serverId = '', username = '', ...rest] = name.slice(prefix.length).split('/');
  if (rest.length > 0 || !SERVER_ID_PATTERN.test(serverId) || !USERNAME_PATTERN.test(username)) return null;
  return { serverId, username };
}

// ---------------------------------------------------------------------------------------------
// Field schemas (strict: what the console writes)

const uint32 = (label: string) =>
  z
    .number({ error: `${label} must be a number` })
    .int(`${label} must be a whole number`)
    .min(0, `${label} must be between 0 and ${MAX_UINT32}`)
    .max(MAX_UINT32, `${label} must be between 0 and ${MAX_UINT32}`);

export const posixProfileSchema = z.object({
  Uid: uint32('UID'),
  Gid: uint32('GID'),
  SecondaryGids: z
    .array(uint32('Each secondary GID'))
    .max(MAX_SECONDARY_GIDS, `At most ${MAX_SECONDARY_GIDS} secondary GIDs are allowed`)
    .optional(),
});
export type PosixProfile = z.infer<typeof posixProfileSchema>;

export const homeDirectoryMappingSchema = z.object({
  Entry: z
    .string({ error: 'Enter the path the user sees' })
    .min(1, 'Enter the path the user sees')
    .max(MAX_PATH_LENGTH, `Paths are at most ${MAX_PATH_LENGTH} characters`)
    .regex(/^\//, 'The visible path must begin with /')
    .refine((entry) => entry === '/' || !entry.endsWith('/'), 'The visible path must not end with /')
    .refine((entry) => !entry.includes('//'), 'The visible path must not contain //'),
  Target: z
    .string({ error: 'Enter the target path' })
    .min(2, 'Enter the target path')
    .max(MAX_PATH_LENGTH, `Paths are at most ${MAX_PATH_LENGTH} characters`)
    .regex(/^\//, 'The target must begin with /')
    .refine((target) => !target.endsWith('/'), 'The target must not end with /')
    .refine((target) => !target.includes('//'), 'The target must not contain //'),
  Type: z.enum(['FILE', 'DIRECTORY']).optional(),
});
export type HomeDirectoryMapping = z.infer<typeof homeDirectoryMappingSchema>;

function isPathPrefix(parent: string, child: string): boolean {
  return parent === '/' || child.startsWith(`${parent}/`);
}

/** The cross-mapping rules of Transfer's logical directories, as issues on `HomeDirectoryDetails`. */
export function mappingIssues(mappings: readonly HomeDirectoryMapping[], domain: StorageDomain = 'EFS'): { index: number; field: 'Entry' | 'Target'; message: string }[] {
  const issues: { index: number; field: 'Entry' | 'Target'; message: string }[] = [];
  mappings.forEach((mapping, index) => {
    if (mapping.Entry === '/' && mappings.length > 1) {
      issues.push({ index, field: 'Entry', message: 'The visible path / must be the only mapping' });
    }
    mappings.forEach((other, otherIndex) => {
      if (otherIndex >= index) return;
      if (other.Entry === mapping.Entry) {
        issues.push({ index, field: 'Entry', message: `The visible path ${mapping.Entry} is mapped twice` });
      } else if (mapping.Entry !== '/' && other.Entry !== '/' && (isPathPrefix(other.Entry, mapping.Entry) || isPathPrefix(mapping.Entry, other.Entry))) {
        issues.push({ index, field: 'Entry', message: `The visible paths ${other.Entry} and ${mapping.Entry} overlap` });
      }
    });
    const root = mapping.Target.split('/')[1] ?? '';
    if (domain === 'EFS' && !EFS_ID_PATTERN.test(root)) {
      issues.push({ index, field: 'Target', message: 'An EFS target begins with the file system id, like /fs-0123456789abcdef0/home' });
    }
    if (domain === 'S3' && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(root)) {
      issues.push({ index, field: 'Target', message: 'An S3 target begins with the bucket name, like /my-bucket/home' });
    }
  });
  return issues;
}

export const roleArnSchema = z
  .string({ error: 'Choose or enter an IAM role' })
  .trim()
  .min(20, 'Enter an IAM role ARN like arn:aws:iam::123456789012:role/transfer-user')
  .max(2048, 'Role ARNs are at most 2048 characters')
  .regex(ROLE_ARN_PATTERN, 'Enter an IAM role ARN like arn:aws:iam::123456789012:role/transfer-user');

export const policySchema = z
  .string()
  .max(MAX_POLICY_LENGTH, `Session policies are at most ${MAX_POLICY_LENGTH} characters`)
  .refine((text) => {
    try {
      const parsed: unknown = JSON.parse(text);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    } catch {
      return false;
    }
  }, 'The session policy must be a JSON object');

export const publicKeysSchema = z.array(z.string()).superRefine((keys, ctx) => {
  keys.forEach((key, index) => {
    const parsed = parseSshPublicKey(key);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', path: [index], message: `Key ${index + 1}: ${parsed.error}` });
    else if (parsed.key.line.includes(',')) ctx.addIssue({ code: 'custom', path: [index], message: `Key ${index + 1}: a comment must not contain a comma` });
  });
});

export const acceptedIpNetworkSchema = z.array(z.string()).superRefine((cidrs, ctx) => {
  const parsed = parseCidrList(cidrs);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
});

export const expiresAtSchema = z.iso.datetime({ offset: true, error: 'Enter the expiry as a date and time with a time zone' });

const plaintextPasswordSchema = z
  .string()
  .min(8, 'Passwords are at least 8 characters')
  .max(1024, 'Passwords are at most 1024 characters')
  .refine((password) => !password.includes(','), 'Passwords must not contain a comma');
const passwordHashSchema = z.string().refine(isArgon2idHash, 'The password hash must be an argon2id PHC string');

/** Keys a protocol may override (`SFTPPassword`, `FTPRole`…). */
export const protocolOverrideSchema = z
  .object({
    PasswordHash: passwordHashSchema.optional(),
    Password: plaintextPasswordSchema.optional(),
    Role: roleArnSchema.optional(),
    Disabled: z.boolean().optional(),
  })
  .strict();
export type ProtocolOverride = z.infer<typeof protocolOverrideSchema>;

const userSecretObject = z
  .object({
    PasswordHash: passwordHashSchema.optional(),
    Password: plaintextPasswordSchema.optional(),
    PublicKey: publicKeysSchema.optional(),
    Role: roleArnSchema,
    Policy: policySchema.optional(),
    PosixProfile: posixProfileSchema.optional(),
    HomeDirectoryDetails: z.array(homeDirectoryMappingSchema).min(1, 'Add at least one mapping').max(50, 'At most 50 mappings').optional(),
    HomeDirectory: z
      .string()
      .max(MAX_PATH_LENGTH, `Paths are at most ${MAX_PATH_LENGTH} characters`)
      .regex(/^\/.*$/, 'The home directory must begin with /')
      .optional(),
    AcceptedIpNetwork: acceptedIpNetworkSchema.optional(),
    Disabled: z.boolean().optional(),
    ExpiresAt: expiresAtSchema.optional(),
    ProtocolOverrides: z.partialRecord(z.enum(PROTOCOLS), protocolOverrideSchema).optional(),
  })
  .strict();

/**
 * What the console writes, validated with a precise message per field. `domain` is the server's
 * storage (EFS targets begin with a file system id, and EFS needs a POSIX profile).
 */
export function makeUserSecretInputSchema(domain: StorageDomain = 'EFS') {
  return userSecretObject.superRefine((secret, ctx) => {
    if (secret.PasswordHash && secret.Password) {
      ctx.addIssue({ code: 'custom', path: ['Password'], message: 'Store either a password hash or a legacy plaintext password, not both' });
    }
    const hasKeys = (secret.PublicKey?.length ?? 0) > 0;
    const hasPassword =
      Boolean(secret.PasswordHash || secret.Password) ||
      Object.values(secret.ProtocolOverrides ?? {}).some((override) => Boolean(override?.PasswordHash || override?.Password));
    if (!hasKeys && !hasPassword) {
      ctx.addIssue({ code: 'custom', path: ['PublicKey'], message: 'Give the user a password or at least one SSH public key' });
    }
    if (secret.HomeDirectory !== undefined && secret.HomeDirectoryDetails !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['HomeDirectory'], message: 'Use either a home directory or logical mappings, not both' });
    }
    if (secret.HomeDirectoryDetails) {
      for (const issue of mappingIssues(secret.HomeDirectoryDetails, domain)) {
        ctx.addIssue({ code: 'custom', path: ['HomeDirectoryDetails', issue.index, issue.field], message: issue.message });
      }
    }
    if (domain === 'EFS') {
      if (!secret.PosixProfile) ctx.addIssue({ code: 'custom', path: ['PosixProfile'], message: 'EFS servers need a POSIX profile (UID and GID)' });
      if (secret.HomeDirectory && !EFS_ID_PATTERN.test(secret.HomeDirectory.split('/')[1] ?? '')) {
        ctx.addIssue({ code: 'custom', path: ['HomeDirectory'], message: 'An EFS home directory begins with the file system id, like /fs-0123456789abcdef0/home/alice' });
      }
      if (secret.Policy !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['Policy'], message: 'Session policies apply to S3 servers only; EFS ignores them' });
      }
    }
  });
}

export const userSecretInputSchema = makeUserSecretInputSchema('EFS');
export type UserSecretInput = z.infer<typeof userSecretObject>;

/**
 * The SecretString for a validated input. PosixProfile and HomeDirectoryDetails are JSON strings,
 * and lists are comma-separated, exactly as the seed deployment and AWS's sample Lambda store them.
 */
export function serializeUserSecret(input: UserSecretInput): string {
  const stored: Record<string, string> = {};
  const put = (key: string, value: string | undefined) => {
    if (value !== undefined && value !== '') stored[key] = value;
  };
  put('PasswordHash', input.PasswordHash);
  put('Password', input.Password);
  put('PublicKey', input.PublicKey?.map((key) => key.trim()).filter(Boolean).join(','));
  put('Role', input.Role);
  put('Policy', input.Policy);
  put('PosixProfile', input.PosixProfile ? JSON.stringify(input.PosixProfile) : undefined);
  put('HomeDirectoryDetails', input.HomeDirectoryDetails ? JSON.stringify(input.HomeDirectoryDetails) : undefined);
  put('HomeDirectory', input.HomeDirectory);
  put('AcceptedIpNetwork', input.AcceptedIpNetwork?.map((cidr) => cidr.trim()).filter(Boolean).join(','));
  if (input.Disabled) stored.Disabled = 'true';
  put('ExpiresAt', input.ExpiresAt);
  for (const protocol of PROTOCOLS) {
    const override = input.ProtocolOverrides?.[protocol];
    if (!override) continue;
    put(`${protocol}PasswordHash`, override.PasswordHash);
    put(`${protocol}Password`, override.Password);
    put(`${protocol}Role`, override.Role);
    if (override.Disabled !== undefined) stored[`${protocol}Disabled`] = String(override.Disabled);
  }
  return JSON.stringify(stored);
}

// ---------------------------------------------------------------------------------------------
// Reading (lenient: anything already in Secrets Manager, seed shapes included)

export type StoredUserSecret = Readonly<Record<string, unknown>>;
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseStoredSecret(secretString: unknown): { ok: true; secret: StoredUserSecret } | { ok: false; error: string } {
  if (typeof secretString !== 'string') return { ok: false, error: 'The secret has no SecretString' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    return { ok: false, error: 'The secret is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, error: 'The secret is not a JSON object' };
  return { ok: true, secret: parsed as StoredUserSecret };
}

/** `<protocol><key>` first, then `<key>`, as AWS's sample Lambda looks keys up. */
export function lookup(secret: StoredUserSecret, key: SecretKey, protocol?: Protocol): unknown {
  if (protocol && Object.hasOwn(secret, `${protocol}${key}`)) return secret[`${protocol}${key}`];
  return Object.hasOwn(secret, key) ? secret[key] : undefined;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/** The password to check a login against, in the contract's order; null when none is stored. */
export function storedPassword(secret: StoredUserSecret, protocol: Protocol): { kind: 'hash' | 'plaintext'; value: string } | null {
  const candidates: [string, 'hash' | 'plaintext'][] = [
    [`${protocol}PasswordHash`, 'hash'],
    [`${protocol}Password`, 'plaintext'],
    ['PasswordHash', 'hash'],
    ['Password', 'plaintext'],
  ];
  for (const [key, kind] of candidates) {
    const value = secret[key];
    if (typeof value === 'string' && value !== '') return { kind, value };
  }
  return null;
}

export function readPublicKeys(value: unknown): string[] {
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : [];
  return items.filter((item): item is string => typeof item === 'string').map((item) => item.trim()).filter(Boolean);
}

export function readFlag(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

function numeric(value: unknown): number | null {
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number >= 0 && number <= MAX_UINT32 ? number : null;
}

/** A POSIX profile stored as a JSON string (the seed's shape) or as an object. */
export function readPosixProfile(value: unknown): ParseResult<PosixProfile> {
  let raw = value;
  if (typeof value === 'string') {
    try {
      raw = JSON.parse(value);
    } catch {
      return { ok: false, error: 'PosixProfile is not JSON' };
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, error: 'PosixProfile is not an object' };
  const record = raw as Record<string, unknown>;
  const uid = numeric(record.Uid);
  const gid = numeric(record.Gid);
  if (uid === null || gid === null) return { ok: false, error: 'PosixProfile needs a numeric Uid and Gid' };
  const profile: PosixProfile = { Uid: uid, Gid: gid };
  if (record.SecondaryGids !== undefined) {
    if (!Array.isArray(record.SecondaryGids) || record.SecondaryGids.length > MAX_SECONDARY_GIDS) {
      return { ok: false, error: 'PosixProfile.SecondaryGids is not a list of at most 16 GIDs' };
    }
    const gids = record.SecondaryGids.map(numeric);
    if (gids.some((g) => g === null)) return { ok: false, error: 'PosixProfile.SecondaryGids holds a value that is not a GID' };
    profile.SecondaryGids = gids as number[];
  }
  return { ok: true, value: profile };
}

/** Logical mappings stored as a JSON string (the seed's shape) or as an array. */
export function readHomeDirectoryDetails(value: unknown): ParseResult<HomeDirectoryMapping[]> {
  let raw = value;
  if (typeof value === 'string') {
    try {
      raw = JSON.parse(value);
    } catch {
      return { ok: false, error: 'HomeDirectoryDetails is not JSON' };
    }
  }
  if (!Array.isArray(raw) || raw.length === 0) return { ok: false, error: 'HomeDirectoryDetails is not a non-empty list' };
  const mappings: HomeDirectoryMapping[] = [];
  for (const item of raw) {
    const parsed = homeDirectoryMappingSchema.safeParse(item);
    if (!parsed.success) return { ok: false, error: 'HomeDirectoryDetails holds an invalid mapping' };
    mappings.push(parsed.data);
  }
  return { ok: true, value: mappings };
}

/** The instant of `ExpiresAt`, or an error when it is not a date. */
export function readExpiresAt(value: unknown): ParseResult<Date> {
  if (typeof value !== 'string') return { ok: false, error: 'ExpiresAt is not a string' };
  const date = new Date(value.trim());
  return Number.isNaN(date.getTime()) ? { ok: false, error: 'ExpiresAt is not an ISO-8601 date' } : { ok: true, value: date };
}

// ---------------------------------------------------------------------------------------------
// Secret-free views for the console

export type AuthMethod = 'password' | 'keys';

export type UserSecretSummary = {
  authMethods: AuthMethod[];
  passwordMode: 'hash' | 'plaintext' | 'none';
  publicKeyCount: number;
  role: string | null;
  homeDirectoryType: 'LOGICAL' | 'PATH' | null;
  homeDirectory: string | null;
  homeDirectoryMappings: HomeDirectoryMapping[];
  posixProfile: PosixProfile | null;
  acceptedIpNetworks: string[];
  disabled: boolean;
  expiresAt: string | null;
  expired: boolean;
  protocolOverrides: string[];
  problems: string[];
};

/** What a listing may show about a stored secret: never a password, hash or other secret value. */
export function summarizeStoredSecret(secret: StoredUserSecret, now: Date = new Date()): UserSecretSummary {
  const problems: string[] = [];
  const hash = [secret.PasswordHash, ...PROTOCOLS.map((p) => secret[`${p}PasswordHash`])].some(present);
  const plaintext = [secret.Password, ...PROTOCOLS.map((p) => secret[`${p}Password`])].some(present);
  const publicKeyCount = readPublicKeys(secret.PublicKey).length + PROTOCOLS.reduce((n, p) => n + readPublicKeys(secret[`${p}PublicKey`]).length, 0);
  const authMethods: AuthMethod[] = [];
  if (hash || plaintext) authMethods.push('password');
  if (publicKeyCount > 0) authMethods.push('keys');

  let posixProfile: PosixProfile | null = null;
  if (present(secret.PosixProfile)) {
    const parsed = readPosixProfile(secret.PosixProfile);
    if (parsed.ok) posixProfile = parsed.value;
    else problems.push(parsed.error);
  }
  let homeDirectoryMappings: HomeDirectoryMapping[] = [];
  let homeDirectoryType: UserSecretSummary['homeDirectoryType'] = null;
  if (present(secret.HomeDirectoryDetails)) {
    const parsed = readHomeDirectoryDetails(secret.HomeDirectoryDetails);
    if (parsed.ok) {
      homeDirectoryMappings = parsed.value;
      homeDirectoryType = 'LOGICAL';
    } else problems.push(parsed.error);
  }
  const homeDirectory = typeof secret.HomeDirectory === 'string' && secret.HomeDirectory !== '' ? secret.HomeDirectory : null;
  if (homeDirectoryType === null && homeDirectory !== null) homeDirectoryType = 'PATH';

  let expiresAt: string | null = null;
  let expired = false;
  if (present(secret.ExpiresAt)) {
    const parsed = readExpiresAt(secret.ExpiresAt);
    if (parsed.ok) {
      expiresAt = parsed.value.toISOString();
      expired = parsed.value.getTime() <= now.getTime();
    } else problems.push(parsed.error);
  }
  const acceptedIpNetworks = typeof secret.AcceptedIpNetwork === 'string' ? secret.AcceptedIpNetwork.split(',').map((c) => c.trim()).filter(Boolean) : [];
  const protocolOverrides = Object.keys(secret).filter((key) => PROTOCOLS.some((p) => key.startsWith(p) && (SECRET_KEYS as readonly string[]).includes(key.slice(p.length))));
  const role = typeof secret.Role === 'string' && secret.Role !== '' ? secret.Role : null;
  if (!role) problems.push('No role: every login is refused');

  return {
    authMethods,
    passwordMode: hash ? 'hash' : plaintext ? 'plaintext' : 'none',
    publicKeyCount,
    role,
    homeDirectoryType,
    homeDirectory,
    homeDirectoryMappings,
    posixProfile,
    acceptedIpNetworks,
    disabled: readFlag(secret.Disabled),
    expiresAt,
    expired,
    protocolOverrides,
    problems,
  };
}

/**
 * Reads a stored secret back into the console's input shape, leaving out every password and hash
 * (the edit form never sees them; an update keeps them unless it sets new ones).
 */
export function storedSecretToInput(secret: StoredUserSecret): Omit<UserSecretInput, 'Password' | 'PasswordHash'> {
  const summary = summarizeStoredSecret(secret);
  const input: Omit<UserSecretInput, 'Password' | 'PasswordHash'> = { Role: summary.role ?? '' };
  const keys = readPublicKeys(secret.PublicKey);
  if (keys.length > 0) input.PublicKey = keys;
  if (typeof secret.Policy === 'string' && secret.Policy !== '') input.Policy = secret.Policy;
  if (summary.posixProfile) input.PosixProfile = summary.posixProfile;
  if (summary.homeDirectoryMappings.length > 0) input.HomeDirectoryDetails = summary.homeDirectoryMappings;
  else if (summary.homeDirectory) input.HomeDirectory = summary.homeDirectory;
  if (summary.acceptedIpNetworks.length > 0) input.AcceptedIpNetwork = summary.acceptedIpNetworks;
  if (summary.disabled) input.Disabled = true;
  if (summary.expiresAt) input.ExpiresAt = summary.expiresAt;
  const overrides: NonNullable<UserSecretInput['ProtocolOverrides']> = {};
  for (const protocol of PROTOCOLS) {
    const role = secret[`${protocol}Role`];
    const disabled = secret[`${protocol}Disabled`];
    const override: ProtocolOverride = {};
    if (typeof role === 'string' && role !== '') override.Role = role;
    if (disabled !== undefined) override.Disabled = readFlag(disabled);
    if (Object.keys(override).length > 0) overrides[protocol] = override;
  }
  if (Object.keys(overrides).length > 0) input.ProtocolOverrides = overrides;
  return input;
}
