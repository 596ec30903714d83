// The per-user secret contract, shared by the console (which writes secrets) and the Lambda (which
// reads them at every login). A user is one Secrets Manager secret `<prefix><serverId>/<username>`
// holding a JSON object; see docs/secret-contract.md for every key.
import { z } from 'zod';
import { normalizeCidrList } from './cidr';
import { isArgon2idHash } from './password';
import { EFS_ID_PATTERN, S3_BUCKET_PATTERN, pathSafetyProblems, storageRoot, storageRootProblem, unsafePathProblems, type PathRule } from './paths';
import { PRIVATE_KEY_MESSAGE, looksLikePrivateKey } from './private-key';
import { parseSshPublicKey, sshKeyIdentity } from './ssh-public-key';

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
export { EFS_ID_PATTERN, S3_BUCKET_PATTERN };
/** A real IAM role ARN: `arn:<partition>:iam::<12-digit account>:role/<optional path/><name>`. */
export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
/** The only shape Transfer itself checks in an answer; the login decision keeps to it. */
export const TRANSFER_ROLE_PATTERN = /^arn:.*role\/\S+$/;
export const MAX_UINT32 = 4_294_967_295;
export const MAX_SECONDARY_GIDS = 16;
export const MAX_POLICY_LENGTH = 2048;
export const MAX_PATH_LENGTH = 1024;
export const MAX_MAPPINGS = 50;
export type StorageDomain = 'EFS' | 'S3';

/** A value as a message may show it: quoted, escaped (a line break shows as \n) and short. */
function quoted(value: string, max = 60): string {
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 2)}…"` : text;
}

// ---------------------------------------------------------------------------------------------
// Names

/** Transfer's pattern, no `..` (a name is a path segment of its secret) and not `root` in any case. */
export function isValidUsername(name: string): boolean {
  return USERNAME_PATTERN.test(name) && !name.includes('..') && name.toLowerCase() !== 'root';
}

/** True when two user names differ only in case (`Alice` and `alice`): allowed, but worth a warning. */
export function sameNameIgnoringCase(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The existing user whose name differs from `name` only in case, or null (an exact match is not one). */
export function nameDifferingOnlyInCase(name: string, existing: Iterable<string>): string | null {
  for (const other of existing) if (other !== name && sameNameIgnoringCase(other, name)) return other;
  return null;
}

// `/* @__PURE__ */` on each top-level schema (and on the calls among its arguments: a bundler keeps
// an argument it cannot prove free of effects): building a zod schema has no effect outside it, so a
// bundle that does not use one may leave it out. The Lambda reads secrets with the plain readers
// below and uses none of them: its bundle then holds no zod at all, which saves ~20 ms of cold start
// (lambda/build.ts; tests/unit/lambda-bundle.test.ts checks it). A new top-level schema takes the mark too.
export const usernameSchema = /* @__PURE__ */ z
  .string({ error: 'Enter a user name.' })
  .trim()
  .min(3, 'User names are 3 to 100 characters long.')
  .max(100, 'User names are 3 to 100 characters long.')
  .regex(USERNAME_PATTERN, 'Use letters, digits, underscore, hyphen, period and @, not starting with a hyphen, period or @.')
  .refine((name) => !name.includes('..'), 'A user name must not contain two periods in a row (..).')
  .refine((name) => name.toLowerCase() !== 'root', { error: (issue) => `The user name ${quoted(String(issue.input))} is not allowed on SFTP.` });

export const serverIdSchema = /* @__PURE__ */ z.string().regex(SERVER_ID_PATTERN, 'A server id looks like s-0123456789abcdef0.');

export function secretName(serverId: string, username: string, prefix = DEFAULT_SECRET_PREFIX): string {
  return `${prefix}${serverId}/${username}`;
}

/** The server and user a secret name stands for; null for a name the write rules would refuse. */
export function parseSecretName(name: string, prefix = DEFAULT_SECRET_PREFIX): { serverId: string; username: string } | null {
  if (!name.startsWith(prefix)) return null;
  const [serverId = '', username = '', ...rest] = name.slice(prefix.length).split('/');
  if (rest.length > 0 || !SERVER_ID_PATTERN.test(serverId) || !isValidUsername(username)) return null;
  return { serverId, username };
}

// ---------------------------------------------------------------------------------------------
// Field schemas (strict: what the console writes)

const uint32 = (label: string, empty = `Enter a ${label}.`) =>
  z
    .number({
      error: (issue) => (issue.input === undefined || issue.input === null || issue.input === '' ? empty : `${label} must be a number.`),
    })
    // Refinements rather than .int()/.min(): zod aborts the whole object on those, and the rules
    // that span fields must still report in the same submit.
    .refine((n) => Number.isInteger(n) || !Number.isFinite(n), `${label} must be a whole number.`)
    .refine((n) => !Number.isFinite(n) || (n >= 0 && n <= MAX_UINT32), `${label} must be between 0 and ${MAX_UINT32}.`);

// Messages with a number in them are constants: a bundler cannot tell a template literal among a
// schema's arguments is free of effects, and would keep the schema (see the note above usernameSchema).
const TOO_MANY_SECONDARY_GIDS = `At most ${MAX_SECONDARY_GIDS} secondary GIDs are allowed.`;
export const posixProfileSchema = /* @__PURE__ */ z.object({
  Uid: /* @__PURE__ */ uint32('UID'),
  Gid: /* @__PURE__ */ uint32('GID'),
  SecondaryGids: /* @__PURE__ */ z
    .array(/* @__PURE__ */ uint32('Each secondary GID', 'Enter each secondary GID as a number.'))
    .refine((gids) => gids.length <= MAX_SECONDARY_GIDS, TOO_MANY_SECONDARY_GIDS)
    .optional(),
});
export type PosixProfile = z.infer<typeof posixProfileSchema>;

type MappingField = 'Entry' | 'Target';
export type MappingIssue = { index: number; field: MappingField; message: string; rule?: PathRule | 'mapping' };

function entryProblems(entry: string): { rule?: PathRule; message: string }[] {
  if (entry === '') return [{ message: 'Enter the visible path.' }];
  const problems: { rule?: PathRule; message: string }[] = [];
  if (entry.length > MAX_PATH_LENGTH) problems.push({ message: `The visible path is at most ${MAX_PATH_LENGTH} characters.` });
  if (!entry.startsWith('/')) problems.push({ message: 'The visible path must begin with /.' });
  if (entry !== '/' && entry.endsWith('/')) problems.push({ message: 'The visible path must not end with /.' });
  return [...problems, ...unsafePathProblems(entry, 'entry')];
}

function targetProblems(target: string, domain: StorageDomain | null): { rule?: PathRule; message: string }[] {
  if (target === '') return domain === null ? [{ message: 'Enter the folder.' }] : [storageRootProblem('/', domain, 'target')!];
  const problems: { rule?: PathRule; message: string }[] = [];
  if (target.length > MAX_PATH_LENGTH) problems.push({ message: `The folder is at most ${MAX_PATH_LENGTH} characters.` });
  if (!target.startsWith('/')) return [...problems, { message: 'The folder must begin with / and the file system or bucket.' }];
  if (target.length > 1 && target.endsWith('/')) problems.push({ message: 'The folder must not end with /.' });
  return [...problems, ...homeProblems(target, domain, 'target')];
}

/** Unsafe traits, then the file system or bucket the path must begin with. */
function homeProblems(path: string, domain: StorageDomain | null, role: 'target' | 'home'): { rule?: PathRule; message: string }[] {
  const rootProblem = domain === null ? null : storageRootProblem(path, domain, role);
  let unsafe = domain === null ? pathSafetyProblems(path, role) : unsafePathProblems(path, role);
  // `//home` is what a form sends when no file system is chosen: say that, not "empty folder name".
  if (rootProblem && storageRoot(path) === '' && !path.slice(1).includes('//', 1)) unsafe = unsafe.filter((p) => p.rule !== 'empty-folder-name');
  return rootProblem ? [rootProblem, ...unsafe] : unsafe;
}

const mappingShape = /* @__PURE__ */ z.object({
  Entry: /* @__PURE__ */ z.string({ error: 'Enter the visible path.' }),
  Target: /* @__PURE__ */ z.string({ error: 'Enter the folder.' }),
  Type: /* @__PURE__ */ z.enum(['FILE', 'DIRECTORY'], { error: 'A mapping Type is FILE or DIRECTORY.' }).optional(),
});

/** One mapping on its own: every path rule except the file system (which depends on the server). */
export const homeDirectoryMappingSchema = /* @__PURE__ */ mappingShape.superRefine((mapping, ctx) => {
  for (const problem of entryProblems(mapping.Entry))
    ctx.addIssue({ code: 'custom', path: ['Entry'], message: problem.message, params: { rule: problem.rule } });
  for (const problem of targetProblems(mapping.Target, null))
    ctx.addIssue({ code: 'custom', path: ['Target'], message: problem.message, params: { rule: problem.rule } });
});
export type HomeDirectoryMapping = z.infer<typeof mappingShape>;

function isPathPrefix(parent: string, child: string): boolean {
  return parent === '/' || child.startsWith(`${parent}/`);
}

/**
 * Every problem of a list of logical mappings, each with its position: the path rules of each
 * Entry and Target, the file system (EFS) or bucket (S3) each Target begins with, and Transfer's
 * cross-mapping rules (`/` alone, no Entry twice, no Entry inside another).
 */
export function mappingIssues(mappings: readonly HomeDirectoryMapping[], domain: StorageDomain = 'EFS'): MappingIssue[] {
  const issues: MappingIssue[] = [];
  const several = mappings.length > 1;
  const at = (index: number, value: string, message: string) => (several ? `Mapping ${index + 1} (${quoted(value)}): ${message}` : message);
  mappings.forEach((mapping, index) => {
    for (const problem of entryProblems(mapping.Entry))
      issues.push({ index, field: 'Entry', message: at(index, mapping.Entry, problem.message), ...(problem.rule ? { rule: problem.rule } : {}) });
    for (const problem of targetProblems(mapping.Target, domain))
      issues.push({ index, field: 'Target', message: at(index, mapping.Target, problem.message), ...(problem.rule ? { rule: problem.rule } : {}) });
    if (mapping.Entry === '/' && several) {
      issues.push({ index, field: 'Entry', message: `Mapping ${index + 1}: The visible path / must be the only mapping.`, rule: 'mapping' });
    }
    const earlier = mappings.findIndex((other) => other.Entry === mapping.Entry);
    if (earlier < index) {
      issues.push({
        index,
        field: 'Entry',
        message: `Mapping ${index + 1}: The visible path ${mapping.Entry} is mapped twice (see mapping ${earlier + 1}).`,
        rule: 'mapping',
      });
      return;
    }
    mappings.forEach((other, otherIndex) => {
      if (otherIndex >= index || other.Entry === mapping.Entry || mapping.Entry === '/' || other.Entry === '/') return;
      if (isPathPrefix(other.Entry, mapping.Entry) || isPathPrefix(mapping.Entry, other.Entry)) {
        issues.push({
          index,
          field: 'Entry',
          message: `Mapping ${index + 1}: The visible paths ${other.Entry} and ${mapping.Entry} overlap; one must not lie inside the other.`,
          rule: 'mapping',
        });
      }
    });
  });
  return issues;
}

/** Every problem of a PATH home (`HomeDirectory`), the file system or bucket included. */
export function homeDirectoryIssues(home: string, domain: StorageDomain = 'EFS'): { message: string; rule?: PathRule }[] {
  if (home === '') return [storageRootProblem('/', domain, 'home')!];
  const problems: { rule?: PathRule; message: string }[] = [];
  if (home.length > MAX_PATH_LENGTH) problems.push({ message: `The home folder is at most ${MAX_PATH_LENGTH} characters.` });
  if (!home.startsWith('/')) return [...problems, { message: 'The home folder must begin with / and the file system or bucket.' }];
  return [...problems, ...homeProblems(home, domain, 'home')];
}

/** The 12-digit account of an IAM role ARN, or null when `arn` is not one. */
export function roleArnAccount(arn: string): string | null {
  return ROLE_ARN_PATTERN.exec(arn.trim())?.[1] ?? null;
}

const ROLE_ARN_MESSAGE = 'Enter an IAM role ARN, like arn:aws:iam::123456789012:role/transfer-user.';

export const roleArnSchema = /* @__PURE__ */ z
  .string({ error: 'Choose or enter an IAM role.' })
  .trim()
  .min(1, 'Choose or enter an IAM role.')
  .max(2048, 'Role ARNs are at most 2048 characters.')
  .superRefine((arn, ctx) => {
    if (arn === '' || arn.length > 2048 || ROLE_ARN_PATTERN.test(arn)) return;
    const message = /^arn:[^:]*:iam::[^:]*:(user|group|policy|instance-profile)\//.test(arn)
      ? `This is the ARN of an IAM ${/:iam::[^:]*:([a-z-]+)\//.exec(arn)?.[1] ?? 'resource'}, not a role. ${ROLE_ARN_MESSAGE}`
      : /^arn:[^:]*:iam::(?!\d{12}:)/.test(arn)
        ? `The account in a role ARN is 12 digits. ${ROLE_ARN_MESSAGE}`
        : ROLE_ARN_MESSAGE;
    ctx.addIssue({ code: 'custom', message });
  });

export const policySchema = /* @__PURE__ */ z
  .string()
  .max(MAX_POLICY_LENGTH, `Session policies are at most ${MAX_POLICY_LENGTH} characters.`)
  .refine((text) => {
    try {
      const parsed: unknown = JSON.parse(text);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    } catch {
      return false;
    }
  }, 'The session policy must be a JSON object.');

function keyLabel(line: string): string {
  const text = line.trim().replace(/\s+/g, ' ');
  return text.length <= 48 ? text : `${text.slice(0, 16)}…${text.slice(-28)}`;
}

/**
 * OpenSSH public keys, every bad one reported with its position. A pasted private key is refused
 * with one message, whatever its number of lines, and never echoed back.
 */
export const publicKeysSchema = /* @__PURE__ */ z.array(z.string()).superRefine((keys, ctx) => {
  if (keys.some(looksLikePrivateKey) || looksLikePrivateKey(keys.join('\n'))) {
    ctx.addIssue({ code: 'custom', message: PRIVATE_KEY_MESSAGE, params: { rule: 'private-key' } });
    return;
  }
  const seen = new Map<string, number>();
  keys.forEach((key, index) => {
    if (key.trim() === '') return;
    const label = `Key ${index + 1} (${keyLabel(key)})`;
    const parsed = parseSshPublicKey(key);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', path: [index], message: `${label}: ${parsed.error}` });
      return;
    }
    if (parsed.key.line.includes(',')) ctx.addIssue({ code: 'custom', path: [index], message: `${label}: A comment must not contain a comma.` });
    const identity = sshKeyIdentity(parsed.key.line) ?? parsed.key.line;
    const first = seen.get(identity);
    if (first !== undefined)
      ctx.addIssue({ code: 'custom', path: [index], message: `${label}: This is the same key as key ${first + 1}.`, params: { rule: 'duplicate' } });
    else seen.set(identity, index);
  });
});

/** Networks, every bad one reported with its position; stored normalised (`203.0.113.7/32`). */
export const acceptedIpNetworkSchema = /* @__PURE__ */ z
  .array(z.string())
  .superRefine((cidrs, ctx) => {
    const result = normalizeCidrList(cidrs);
    if (result.ok) return;
    for (const issue of result.issues) {
      ctx.addIssue({
        code: 'custom',
        path: [issue.index],
        message: issue.message,
        params: { rule: issue.problem, ...(issue.suggestion ? { suggestion: issue.suggestion } : {}) },
      });
    }
  })
  .transform((cidrs) => {
    const result = normalizeCidrList(cidrs);
    return result.ok ? result.cidrs : cidrs;
  });

export const expiresAtSchema = /* @__PURE__ */ z.iso.datetime({ offset: true, error: 'Enter the expiry as a date and time with a time zone.' });

const plaintextPasswordSchema = /* @__PURE__ */ z
  .string()
  .min(8, 'Passwords are at least 8 characters.')
  .max(1024, 'Passwords are at most 1024 characters.')
  .refine((password) => !password.includes(','), 'Passwords must not contain a comma.');
const passwordHashSchema = /* @__PURE__ */ z.string().refine(isArgon2idHash, 'The password hash must be an argon2id PHC string.');

const TOO_MANY_MAPPINGS = `At most ${MAX_MAPPINGS} mappings are allowed.`;
const homeDirectoryDetailsSchema = /* @__PURE__ */ z.array(mappingShape).min(1, 'Add at least one mapping.').max(MAX_MAPPINGS, TOO_MANY_MAPPINGS);
const homeDirectorySchema = /* @__PURE__ */ z.string({ error: 'The home folder must be text.' });

/** Keys a protocol may override (`SFTPPassword`, `FTPRole`, `SFTPPublicKey`…). */
export const protocolOverrideSchema = /* @__PURE__ */ z
  .object({
    PasswordHash: passwordHashSchema.optional(),
    Password: plaintextPasswordSchema.optional(),
    Role: roleArnSchema.optional(),
    Disabled: z.boolean().optional(),
    PublicKey: publicKeysSchema.optional(),
    Policy: policySchema.optional(),
    PosixProfile: posixProfileSchema.optional(),
    HomeDirectoryDetails: homeDirectoryDetailsSchema.optional(),
    HomeDirectory: homeDirectorySchema.optional(),
    AcceptedIpNetwork: acceptedIpNetworkSchema.optional(),
    ExpiresAt: expiresAtSchema.optional(),
  })
  .strict();
export type ProtocolOverride = z.infer<typeof protocolOverrideSchema>;

const userSecretObject = /* @__PURE__ */ z
  .object({
    PasswordHash: passwordHashSchema.optional(),
    Password: plaintextPasswordSchema.optional(),
    PublicKey: publicKeysSchema.optional(),
    Role: roleArnSchema,
    Policy: policySchema.optional(),
    PosixProfile: posixProfileSchema.optional(),
    HomeDirectoryDetails: homeDirectoryDetailsSchema.optional(),
    HomeDirectory: homeDirectorySchema.optional(),
    AcceptedIpNetwork: acceptedIpNetworkSchema.optional(),
    Disabled: z.boolean().optional(),
    ExpiresAt: expiresAtSchema.optional(),
    ProtocolOverrides: z.partialRecord(z.enum(PROTOCOLS), protocolOverrideSchema).optional(),
  })
  .strict();

type HomeFields = { HomeDirectoryDetails?: unknown; HomeDirectory?: unknown; Policy?: unknown };

function isMappingList(value: unknown): value is HomeDirectoryMapping[] {
  return (
    Array.isArray(value) &&
    value.every(
      (m) =>
        typeof m === 'object' &&
        m !== null &&
        typeof (m as HomeDirectoryMapping).Entry === 'string' &&
        typeof (m as HomeDirectoryMapping).Target === 'string',
    )
  );
}

function addHomeIssues(secret: HomeFields, domain: StorageDomain, base: (string | number)[], ctx: z.RefinementCtx): void {
  if (secret.HomeDirectory !== undefined && secret.HomeDirectoryDetails !== undefined) {
    ctx.addIssue({ code: 'custom', path: [...base, 'HomeDirectory'], message: 'Use either a home folder or logical mappings, not both.' });
  }
  if (isMappingList(secret.HomeDirectoryDetails)) {
    for (const issue of mappingIssues(secret.HomeDirectoryDetails, domain)) {
      ctx.addIssue({
        code: 'custom',
        path: [...base, 'HomeDirectoryDetails', issue.index, issue.field],
        message: issue.message,
        params: { rule: issue.rule },
      });
    }
  }
  if (typeof secret.HomeDirectory === 'string') {
    for (const issue of homeDirectoryIssues(secret.HomeDirectory, domain)) {
      ctx.addIssue({ code: 'custom', path: [...base, 'HomeDirectory'], message: issue.message, params: { rule: issue.rule } });
    }
  }
  if (domain === 'EFS' && secret.Policy !== undefined) {
    ctx.addIssue({ code: 'custom', path: [...base, 'Policy'], message: 'Session policies apply to S3 servers only; EFS ignores them.' });
  }
}

const nonEmptyList = (value: unknown) => Array.isArray(value) && value.length > 0;

/**
 * What the console writes, validated with a precise message per field. `domain` is the server's
 * storage (EFS targets begin with a file system id, and EFS needs a POSIX profile). The rules that
 * span fields run even when a field is already wrong, so one submit reports every problem.
 */
export function makeUserSecretInputSchema(domain: StorageDomain = 'EFS') {
  return userSecretObject.superRefine(
    (value, ctx) => {
      const secret = value as Record<string, unknown>;
      if (secret.PasswordHash && secret.Password) {
        ctx.addIssue({ code: 'custom', path: ['Password'], message: 'Store either a password hash or a legacy plaintext password, not both.' });
      }
      const overrideMap =
        typeof secret.ProtocolOverrides === 'object' && secret.ProtocolOverrides !== null
          ? (secret.ProtocolOverrides as Record<string, unknown>)
          : {};
      const overrides = PROTOCOLS.map((protocol) => ownValue(overrideMap, protocol)).filter(
        (o): o is Record<string, unknown> => typeof o === 'object' && o !== null,
      );
      const hasKeys = nonEmptyList(secret.PublicKey) || overrides.some((override) => nonEmptyList(override.PublicKey));
      const hasPassword =
        Boolean(secret.PasswordHash || secret.Password) || overrides.some((override) => Boolean(override.PasswordHash || override.Password));
      if (!hasKeys && !hasPassword) {
        ctx.addIssue({ code: 'custom', path: ['PublicKey'], message: 'Give the user a password or at least one SSH public key.' });
      }
      addHomeIssues(secret, domain, [], ctx);
      for (const protocol of PROTOCOLS) {
        const override = ownValue(overrideMap, protocol);
        if (typeof override !== 'object' || override === null) continue;
        const fields = override as Record<string, unknown>;
        if (fields.PasswordHash && fields.Password) {
          ctx.addIssue({
            code: 'custom',
            path: ['ProtocolOverrides', protocol, 'Password'],
            message: `Store either a ${protocol} password hash or a plaintext ${protocol} password, not both.`,
          });
        }
        addHomeIssues(fields, domain, ['ProtocolOverrides', protocol], ctx);
      }
      if (domain === 'EFS' && (secret.PosixProfile === undefined || secret.PosixProfile === null)) {
        // On each field, so an empty GID is flagged where it is typed, not only beside the UID.
        ctx.addIssue({ code: 'custom', path: ['PosixProfile', 'Uid'], message: 'Enter a UID: EFS servers need a POSIX profile.' });
        ctx.addIssue({ code: 'custom', path: ['PosixProfile', 'Gid'], message: 'Enter a GID: EFS servers need a POSIX profile.' });
      }
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value) },
  );
}

export const userSecretInputSchema = /* @__PURE__ */ makeUserSecretInputSchema('EFS');
export type UserSecretInput = z.infer<typeof userSecretObject>;

function putHomeAndLists(
  put: (key: string, value: string | undefined) => void,
  prefix: string,
  fields: Omit<ProtocolOverride, 'PasswordHash' | 'Password' | 'Role' | 'Disabled'>,
): void {
  put(
    `${prefix}PublicKey`,
    fields.PublicKey?.map((key) => key.trim())
      .filter(Boolean)
      .join(','),
  );
  put(`${prefix}Policy`, fields.Policy);
  put(`${prefix}PosixProfile`, fields.PosixProfile ? JSON.stringify(fields.PosixProfile) : undefined);
  put(`${prefix}HomeDirectoryDetails`, fields.HomeDirectoryDetails ? JSON.stringify(fields.HomeDirectoryDetails) : undefined);
  put(`${prefix}HomeDirectory`, fields.HomeDirectory);
  put(
    `${prefix}AcceptedIpNetwork`,
    fields.AcceptedIpNetwork?.map((cidr) => cidr.trim())
      .filter(Boolean)
      .join(','),
  );
}

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
  put(
    'PublicKey',
    input.PublicKey?.map((key) => key.trim())
      .filter(Boolean)
      .join(','),
  );
  put('Role', input.Role);
  put('Policy', input.Policy);
  put('PosixProfile', input.PosixProfile ? JSON.stringify(input.PosixProfile) : undefined);
  put('HomeDirectoryDetails', input.HomeDirectoryDetails ? JSON.stringify(input.HomeDirectoryDetails) : undefined);
  put('HomeDirectory', input.HomeDirectory);
  put(
    'AcceptedIpNetwork',
    input.AcceptedIpNetwork?.map((cidr) => cidr.trim())
      .filter(Boolean)
      .join(','),
  );
  if (input.Disabled) stored.Disabled = 'true';
  put('ExpiresAt', input.ExpiresAt);
  for (const protocol of PROTOCOLS) {
    const override = input.ProtocolOverrides?.[protocol];
    if (!override) continue;
    put(`${protocol}PasswordHash`, override.PasswordHash);
    put(`${protocol}Password`, override.Password);
    put(`${protocol}Role`, override.Role);
    if (override.Disabled !== undefined) stored[`${protocol}Disabled`] = String(override.Disabled);
    putHomeAndLists(put, protocol, override);
    put(`${protocol}ExpiresAt`, override.ExpiresAt);
  }
  return JSON.stringify(stored);
}

// ---------------------------------------------------------------------------------------------
// Reading (lenient: anything already in Secrets Manager, seed shapes included)

export type StoredUserSecret = Readonly<Record<string, unknown>>;
/** A failed read says whether the value is unsafe (a path that could lead outside its folder). */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string; unsafe?: boolean };

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

/** A key's own value (never one inherited from Object.prototype, whatever the key). */
export function ownValue(record: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** `<protocol><key>` first, then `<key>`, as AWS's sample Lambda looks keys up. */
export function lookup(secret: StoredUserSecret, key: SecretKey, protocol?: Protocol): unknown {
  if (protocol && Object.hasOwn(secret, `${protocol}${key}`)) return secret[`${protocol}${key}`];
  return ownValue(secret, key);
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
    const value = ownValue(secret, key);
    if (typeof value === 'string' && value !== '') return { kind, value };
  }
  return null;
}

export function readPublicKeys(value: unknown): string[] {
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : [];
  return items
    .filter((item): item is string => typeof item === 'string')
    .map((item) => item.trim())
    .filter(Boolean);
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
  const uid = numeric(ownValue(record, 'Uid'));
  const gid = numeric(ownValue(record, 'Gid'));
  if (uid === null || gid === null) return { ok: false, error: 'PosixProfile needs a numeric Uid and Gid' };
  const profile: PosixProfile = { Uid: uid, Gid: gid };
  const secondary = ownValue(record, 'SecondaryGids');
  if (secondary !== undefined) {
    if (!Array.isArray(secondary) || secondary.length > MAX_SECONDARY_GIDS) {
      return { ok: false, error: 'PosixProfile.SecondaryGids is not a list of at most 16 GIDs' };
    }
    const gids = secondary.map(numeric);
    if (gids.some((g) => g === null)) return { ok: false, error: 'PosixProfile.SecondaryGids holds a value that is not a GID' };
    profile.SecondaryGids = gids as number[];
  }
  return { ok: true, value: profile };
}

/**
 * One stored mapping read as `mappingShape` reads it (Entry and Target text; Type FILE or DIRECTORY
 * when present; other keys dropped), or null. Plain code rather than `mappingShape.safeParse`, like
 * the other readers here: the login path then builds no zod schema (see the note on the schemas);
 * tests/unit/contract.test.ts holds the two to the same answers.
 */
export function readMappingShape(item: unknown): HomeDirectoryMapping | null {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return null;
  const record = item as Record<string, unknown>;
  const Entry = ownValue(record, 'Entry');
  const Target = ownValue(record, 'Target');
  const Type = ownValue(record, 'Type');
  if (typeof Entry !== 'string' || typeof Target !== 'string') return null;
  if (Type === undefined) return { Entry, Target };
  return Type === 'FILE' || Type === 'DIRECTORY' ? { Entry, Target, Type } : null;
}

/**
 * Logical mappings stored as a JSON string (the seed's shape) or as an array. A mapping whose Entry
 * or Target could lead outside its folder (`..`, `.`, `//`, control characters, quotes, `<>`, `\`,
 * or a Target naming no file system) fails with `unsafe: true`.
 */
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
    const mapping = readMappingShape(item);
    if (!mapping) return { ok: false, error: 'HomeDirectoryDetails holds an invalid mapping' };
    const { Entry, Target } = mapping;
    if (pathSafetyProblems(Entry, 'entry').length > 0 || (Target.startsWith('/') && pathSafetyProblems(Target, 'target').length > 0)) {
      return { ok: false, error: 'HomeDirectoryDetails holds an unsafe path', unsafe: true };
    }
    // homeDirectoryMappingSchema's rules, without building the schema (see readMappingShape).
    if (entryProblems(Entry).length > 0 || targetProblems(Target, null).length > 0)
      return { ok: false, error: 'HomeDirectoryDetails holds an invalid mapping' };
    mappings.push(mapping);
  }
  return { ok: true, value: mappings };
}

/** Mappings of the right shape (Entry and Target text), whatever their paths hold; null otherwise. */
function readMappingShapes(value: unknown): HomeDirectoryMapping[] | null {
  let raw = value;
  if (typeof value === 'string') {
    try {
      raw = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (!Array.isArray(raw) || raw.length === 0) return null;
  const mappings: HomeDirectoryMapping[] = [];
  for (const item of raw) {
    const mapping = readMappingShape(item);
    if (!mapping) return null;
    mappings.push(mapping);
  }
  return mappings;
}

/**
 * A PATH home as stored: text beginning with `/`, at most 1024 characters. A folder that could lead
 * outside itself, or `/` alone (every file system), fails with `unsafe: true`.
 */
export function readHomeDirectory(value: unknown): ParseResult<string> {
  if (typeof value !== 'string') return { ok: false, error: 'HomeDirectory is not text' };
  if (!value.startsWith('/') || value.length > MAX_PATH_LENGTH)
    return { ok: false, error: 'HomeDirectory is not a path of at most 1024 characters beginning with /' };
  if (pathSafetyProblems(value, 'home').length > 0) return { ok: false, error: 'HomeDirectory is an unsafe path', unsafe: true };
  return { ok: true, value };
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
  const own = (key: string) => ownValue(secret, key);
  const hash = [own('PasswordHash'), ...PROTOCOLS.map((p) => own(`${p}PasswordHash`))].some(present);
  const plaintext = [own('Password'), ...PROTOCOLS.map((p) => own(`${p}Password`))].some(present);
  const publicKeyCount = readPublicKeys(own('PublicKey')).length + PROTOCOLS.reduce((n, p) => n + readPublicKeys(own(`${p}PublicKey`)).length, 0);
  const authMethods: AuthMethod[] = [];
  if (hash || plaintext) authMethods.push('password');
  if (publicKeyCount > 0) authMethods.push('keys');

  let posixProfile: PosixProfile | null = null;
  if (present(own('PosixProfile'))) {
    const parsed = readPosixProfile(own('PosixProfile'));
    if (parsed.ok) posixProfile = parsed.value;
    else problems.push(parsed.error);
  }
  let homeDirectoryMappings: HomeDirectoryMapping[] = [];
  let homeDirectoryType: UserSecretSummary['homeDirectoryType'] = null;
  if (present(own('HomeDirectoryDetails'))) {
    const parsed = readHomeDirectoryDetails(own('HomeDirectoryDetails'));
    if (parsed.ok) {
      homeDirectoryMappings = parsed.value;
      homeDirectoryType = 'LOGICAL';
    } else {
      problems.push(parsed.unsafe ? `${parsed.error}: every login is refused` : parsed.error);
      // Shown as stored, so the admin sees the unsafe path that must be fixed.
      const unsafe = parsed.unsafe ? readMappingShapes(own('HomeDirectoryDetails')) : null;
      if (unsafe) {
        homeDirectoryMappings = unsafe;
        homeDirectoryType = 'LOGICAL';
      }
    }
  }
  const storedHome = own('HomeDirectory');
  const homeDirectory = typeof storedHome === 'string' && storedHome !== '' ? storedHome : null;
  if (present(storedHome)) {
    const parsed = readHomeDirectory(storedHome);
    if (!parsed.ok) problems.push(parsed.unsafe ? `${parsed.error}: every login is refused` : parsed.error);
  }
  if (homeDirectoryType === null && homeDirectory !== null) homeDirectoryType = 'PATH';

  let expiresAt: string | null = null;
  let expired = false;
  if (present(own('ExpiresAt'))) {
    const parsed = readExpiresAt(own('ExpiresAt'));
    if (parsed.ok) {
      expiresAt = parsed.value.toISOString();
      expired = parsed.value.getTime() <= now.getTime();
    } else problems.push(parsed.error);
  }
  const storedNetworks = own('AcceptedIpNetwork');
  const storedList =
    typeof storedNetworks === 'string'
      ? storedNetworks
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean)
      : [];
  // Shown as they are stored after a save (`203.0.113.7/32`); a list that does not normalise as it is.
  const normalisedList = normalizeCidrList(storedList);
  const acceptedIpNetworks = normalisedList.ok ? normalisedList.cidrs : storedList;
  if (present(storedNetworks) && typeof storedNetworks !== 'string')
    problems.push('AcceptedIpNetwork is not comma-separated text: every login is refused');
  // In the contract's order (protocol, then key), whatever order the JSON holds them in.
  const protocolOverrides = PROTOCOLS.flatMap((p) => SECRET_KEYS.map((k) => `${p}${k}`)).filter((key) => Object.hasOwn(secret, key));
  const storedRole = own('Role');
  const role = typeof storedRole === 'string' && storedRole !== '' ? storedRole : null;
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
    disabled: readFlag(own('Disabled')),
    expiresAt,
    expired,
    protocolOverrides,
    problems,
  };
}

type InputFields = Omit<ProtocolOverride, 'PasswordHash' | 'Password'>;

/** The non-secret fields stored under `<prefix><key>`, as the input shape holds them. */
function readInputFields(secret: StoredUserSecret, prefix: '' | Protocol): InputFields {
  const own = (key: string) => ownValue(secret, `${prefix}${key}`);
  const fields: InputFields = {};
  const role = own('Role');
  if (typeof role === 'string' && role !== '') fields.Role = role;
  const keys = readPublicKeys(own('PublicKey'));
  if (keys.length > 0) fields.PublicKey = keys;
  const policy = own('Policy');
  if (typeof policy === 'string' && policy !== '') fields.Policy = policy;
  else if (typeof policy === 'object' && policy !== null) fields.Policy = JSON.stringify(policy);
  if (present(own('PosixProfile'))) {
    const profile = readPosixProfile(own('PosixProfile'));
    if (profile.ok) fields.PosixProfile = profile.value;
  }
  if (present(own('HomeDirectoryDetails'))) {
    const mappings = readHomeDirectoryDetails(own('HomeDirectoryDetails'));
    // Unsafe mappings come back as stored: the form shows them and refuses them with a message,
    // rather than dropping them and saving something the admin did not choose.
    const value = mappings.ok ? mappings.value : mappings.unsafe ? readMappingShapes(own('HomeDirectoryDetails')) : null;
    if (value) fields.HomeDirectoryDetails = value;
  }
  const home = own('HomeDirectory');
  // Shown even when unsafe, so the admin sees (and must fix) what is stored.
  if (typeof home === 'string' && home !== '' && !fields.HomeDirectoryDetails) fields.HomeDirectory = home;
  const networks = own('AcceptedIpNetwork');
  if (typeof networks === 'string') {
    const list = networks
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    if (list.length > 0) fields.AcceptedIpNetwork = list;
  }
  const disabled = own('Disabled');
  if (prefix === '' ? readFlag(disabled) : disabled !== undefined) fields.Disabled = readFlag(disabled);
  const expires = own('ExpiresAt');
  if (present(expires)) {
    const expiry = readExpiresAt(expires);
    // The stored text when it is already a valid instant (its zone kept), else the instant in UTC.
    if (expiry.ok)
      fields.ExpiresAt =
        typeof expires === 'string' && expiresAtSchema.safeParse(expires.trim()).success ? expires.trim() : expiry.value.toISOString();
  }
  return fields;
}

/**
 * Reads a stored secret back into the console's input shape, leaving out every password and hash
 * (the edit form never sees them; an update keeps them unless it sets new ones). Per-protocol keys
 * (`SFTPPublicKey`, `FTPHomeDirectory`…) come back as `ProtocolOverrides`.
 */
export function storedSecretToInput(secret: StoredUserSecret): Omit<UserSecretInput, 'Password' | 'PasswordHash'> {
  const { Role, ...fields } = readInputFields(secret, '');
  const input: Omit<UserSecretInput, 'Password' | 'PasswordHash'> = { Role: Role ?? '', ...fields };
  const overrides: NonNullable<UserSecretInput['ProtocolOverrides']> = {};
  for (const protocol of PROTOCOLS) {
    const override = readInputFields(secret, protocol);
    if (Object.keys(override).length > 0) overrides[protocol] = override;
  }
  if (Object.keys(overrides).length > 0) input.ProtocolOverrides = overrides;
  return input;
}

/**
 * A secret's meaning, independent of how it is written: JSON text or objects, lists as text or
 * arrays, `"true"` or `true`, digit strings or numbers, an instant in any zone. Two secrets with the
 * same canonical form give every login the same answer.
 */
export function canonicalSecret(secret: StoredUserSecret): Record<string, unknown> {
  const canonical: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const contractKeys = new Set<string>([...SECRET_KEYS, ...PROTOCOLS.flatMap((p) => SECRET_KEYS.map((k) => `${p}${k}`))]);
  for (const [key, value] of Object.entries(secret)) {
    if (!contractKeys.has(key) && value !== undefined) canonical[key] = value;
  }
  for (const prefix of ['', ...PROTOCOLS] as const) {
    const fields = readInputFields(secret, prefix);
    for (const [key, value] of Object.entries(fields)) {
      if (key === 'ExpiresAt') canonical[`${prefix}${key}`] = new Date(value as string).toISOString();
      else if (key === 'AcceptedIpNetwork') {
        const normalised = normalizeCidrList(value as string[]);
        canonical[`${prefix}${key}`] = normalised.ok ? normalised.cidrs : value;
      } else if (key === 'PublicKey') canonical[`${prefix}${key}`] = (value as string[]).map((line) => sshKeyIdentity(line) ?? line);
      else if (key === 'Policy') {
        try {
          canonical[`${prefix}${key}`] = JSON.parse(value as string);
        } catch {
          canonical[`${prefix}${key}`] = value;
        }
      } else canonical[`${prefix}${key}`] = value;
    }
    for (const passwordKey of ['PasswordHash', 'Password']) {
      const value = ownValue(secret, `${prefix}${passwordKey}`);
      if (present(value)) canonical[`${prefix}${passwordKey}`] = value;
    }
  }
  return canonical;
}

/** True when two stored secrets mean the same (see canonicalSecret): saving one over the other changes nothing. */
export function secretsEquivalent(a: StoredUserSecret, b: StoredUserSecret): boolean {
  return isDeepStrictEqualJson(canonicalSecret(a), canonicalSecret(b));
}

function isDeepStrictEqualJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a).sort();
  const bKeys = Object.keys(b).sort();
  if (aKeys.length !== bKeys.length || aKeys.some((key, i) => key !== bKeys[i])) return false;
  return aKeys.every((key) => isDeepStrictEqualJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
