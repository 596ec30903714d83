// The users of a Lambda-backed server: one Secrets Manager secret each. Everything returned is a
// plain object without any password, hash or other secret value.
import 'server-only';
import { randomUUID } from 'node:crypto';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretVersionStageCommand,
  type SecretListEntry,
} from '@aws-sdk/client-secrets-manager';
import { TestIdentityProviderCommand } from '@aws-sdk/client-transfer';
import { decideLogin } from '../idp/decide-login';
import { aws } from '../aws/clients';
import type { Actor } from '../auth/roles';
import {
  PROTOCOLS,
  SECRET_KEYS,
  USERNAME_PATTERN,
  parseSecretName,
  parseStoredSecret,
  readHomeDirectoryDetails,
  readPosixProfile,
  secretName,
  serializeUserSecret,
  storedSecretToInput,
  summarizeStoredSecret,
  usernameSchema,
  type HomeDirectoryMapping,
  type PosixProfile,
  type Protocol,
  type StoredUserSecret,
  type UserSecretInput,
  type UserSecretSummary,
} from '../secret/contract';
import { generatePassword, hashPassword } from '../secret/password';
import { parseSshPublicKey } from '../secret/ssh-public-key';
import { recordAudit } from './audit';
import { ConsoleError, NotFoundError, StaleVersionError } from './errors';
import { getServer, secretPrefix, type ServerSummary } from './servers';
import { validateUserForm, type GeneratedPasswords, type UserFormInput } from './user-form';

export const TAG_MANAGED = 'transfer-desk:managed';
export const TAG_UID = 'transfer-desk:uid';
export const TAG_PENDING_DELETION = 'transfer-desk:pending-deletion';
/** A version waiting for the compare-and-swap of AWSCURRENT; see writeIfCurrent. */
const PENDING_STAGE = 'TRANSFERDESK_PENDING';
// Validates a kept password's presence without handling the real hash (never used to log in).
const KEPT_PASSWORD_PLACEHOLDER = '$argon2id$v=19$m=19456,t=2,p=1$a2VwdHBhc3N3b3Jk$a2VwdHBhc3N3b3JkcGxhY2Vob2xkZXJwbGFjZWhvbGQ';
export const USERS_PAGE_SIZE = 20;

export type UserRow = {
  username: string;
  authMethods: UserSecretSummary['authMethods'];
  passwordMode: UserSecretSummary['passwordMode'];
  home: string;
  uid: number | null;
  gid: number | null;
  disabled: boolean;
  expired: boolean;
  expiresAt: string | null;
  lastChangedAt: string | null;
  problems: string[];
};

export type PendingDeletionRow = { username: string; deletionDate: string | null };

export type PublicKeyView = { line: string; type: string; bits: number; fingerprint: string; comment: string };

export type UserDetail = {
  username: string;
  versionId: string;
  lastChangedAt: string | null;
  summary: UserSecretSummary;
  form: UserFormInput;
  publicKeys: PublicKeyView[];
};

const sm = () => aws().secretsManager;

function assertUsername(username: string): void {
  if (!USERNAME_PATTERN.test(username) || username.includes('..')) throw new ConsoleError('That is not a valid user name.');
}

export async function requireManageableServer(serverId: string): Promise<ServerSummary> {
  if (!/^s-[0-9a-f]{17}$/.test(serverId)) throw new NotFoundError(`Server ${serverId}`);
  const server = await getServer(serverId);
  if (!server) throw new NotFoundError(`Server ${serverId}`);
  if (!server.manageable) throw new ConsoleError(server.readOnlyReason ?? 'This server is read-only in Transfer Desk.');
  return server;
}

function homeDisplay(summary: UserSecretSummary): string {
  if (summary.homeDirectoryType === 'LOGICAL') return summary.homeDirectoryMappings.map((m) => `${m.Entry} → ${m.Target}`).join(', ');
  return summary.homeDirectory ?? '—';
}

function toRow(username: string, secret: StoredUserSecret | null, entry: SecretListEntry | undefined): UserRow {
  const summary = secret ? summarizeStoredSecret(secret) : null;
  return {
    username,
    authMethods: summary?.authMethods ?? [],
    passwordMode: summary?.passwordMode ?? 'none',
    home: summary ? homeDisplay(summary) : '—',
    uid: summary?.posixProfile?.Uid ?? null,
    gid: summary?.posixProfile?.Gid ?? null,
    disabled: summary?.disabled ?? false,
    expired: summary?.expired ?? false,
    expiresAt: summary?.expiresAt ?? null,
    lastChangedAt: entry?.LastChangedDate?.toISOString() ?? null,
    problems: summary ? summary.problems : ['The secret could not be read as a user'],
  };
}

/**
 * One page of a server's users: one ListSecrets (name-prefix search on the server side) and one
 * BatchGetSecretValue for the page, whatever the number of users.
 */
export async function listUsers(
  serverId: string,
  options: { prefix?: string; nextToken?: string; pageSize?: number } = {},
): Promise<{ users: UserRow[]; nextToken: string | null; pendingDeletion: PendingDeletionRow[] }> {
  const prefix = (options.prefix ?? '').trim();
  if (prefix && !/^[\w@.-]*$/.test(prefix)) throw new ConsoleError('Search by the beginning of a user name: letters, digits, _ - . @.');
  const namePrefix = `${secretPrefix()}${serverId}/`;
  const pageSize = Math.min(options.pageSize ?? USERS_PAGE_SIZE, 20);
  const [page, pending] = await Promise.all([
    sm().send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [`${namePrefix}${prefix}`] }], MaxResults: pageSize, NextToken: options.nextToken, SortOrder: 'asc' })),
    options.nextToken ? Promise.resolve(null) : listPendingDeletion(serverId),
  ]);
  const entries = (page.SecretList ?? []).filter((entry) => entry.Name && parseSecretName(entry.Name, secretPrefix())?.serverId === serverId);
  const values = new Map<string, string | undefined>();
  if (entries.length > 0) {
    const batch = await sm().send(new BatchGetSecretValueCommand({ SecretIdList: entries.map((entry) => entry.ARN ?? entry.Name!) }));
    for (const value of batch.SecretValues ?? []) values.set(value.Name ?? '', value.SecretString);
  }
  const users = entries
    .map((entry) => {
      const parsed = parseStoredSecret(values.get(entry.Name!));
      return toRow(parseSecretName(entry.Name!, secretPrefix())!.username, parsed.ok ? parsed.secret : null, entry);
    })
    .sort((a, b) => a.username.localeCompare(b.username));
  return { users, nextToken: page.NextToken ?? null, pendingDeletion: pending ?? [] };
}

/** Users the console deleted that are still in their recovery window (tagged before deletion). */
async function listPendingDeletion(serverId: string): Promise<PendingDeletionRow[]> {
  const page = await sm().send(
    new ListSecretsCommand({
      Filters: [
        { Key: 'name', Values: [`${secretPrefix()}${serverId}/`] },
        { Key: 'tag-key', Values: [TAG_PENDING_DELETION] },
      ],
      IncludePlannedDeletion: true,
      MaxResults: 100,
    }),
  );
  return (page.SecretList ?? [])
    .filter((entry) => entry.DeletedDate && entry.Name)
    .map((entry) => ({ username: parseSecretName(entry.Name!, secretPrefix())?.username ?? entry.Name!, deletionDate: entry.DeletedDate?.toISOString() ?? null }));
}

async function readCurrent(serverId: string, username: string): Promise<{ secret: StoredUserSecret; versionId: string; raw: string; lastChangedAt: string | null }> {
  assertUsername(username);
  try {
    const value = await sm().send(new GetSecretValueCommand({ SecretId: secretName(serverId, username, secretPrefix()) }));
    const parsed = parseStoredSecret(value.SecretString);
    if (!parsed.ok) throw new ConsoleError(`The secret of ${username} is not a JSON object, so the console will not overwrite it. Fix it in Secrets Manager.`);
    return { secret: parsed.secret, versionId: value.VersionId ?? '', raw: value.SecretString ?? '', lastChangedAt: value.CreatedDate?.toISOString() ?? null };
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceNotFoundException') throw new NotFoundError(`User ${username}`);
    if (err instanceof Error && err.name === 'InvalidRequestException') throw new ConsoleError(`User ${username} is deleted and in its recovery window; restore it first.`);
    throw err;
  }
}

function keyViews(keys: string[]): PublicKeyView[] {
  return keys.flatMap((line) => {
    const parsed = parseSshPublicKey(line);
    return parsed.ok ? [{ line: parsed.key.line, type: parsed.key.type, bits: parsed.key.bits, fingerprint: parsed.key.fingerprint, comment: parsed.key.comment }] : [];
  });
}

function inputToForm(username: string, input: ReturnType<typeof storedSecretToInput>, summary: UserSecretSummary): UserFormInput {
  const mappings = input.HomeDirectoryDetails ?? (input.HomeDirectory ? [{ Entry: '/', Target: input.HomeDirectory }] : []);
  const split = (target: string) => {
    const [, location = '', ...rest] = target.split('/');
    return { location, path: rest.length ? `/${rest.join('/')}` : '' };
  };
  const root = mappings.length === 1 && mappings[0]!.Entry === '/';
  return {
    username,
    password: { mode: summary.passwordMode === 'none' ? 'none' : 'keep', storage: summary.passwordMode === 'plaintext' ? 'plaintext' : 'hash' },
    protocolPasswords: {},
    publicKeys: (input.PublicKey ?? []).join('\n'),
    role: input.Role,
    uid: input.PosixProfile ? String(input.PosixProfile.Uid) : '',
    gid: input.PosixProfile ? String(input.PosixProfile.Gid) : '',
    secondaryGids: (input.PosixProfile?.SecondaryGids ?? []).join(', '),
    homeMode: root || mappings.length === 0 ? 'root' : 'mappings',
    rootLocation: root ? split(mappings[0]!.Target).location : '',
    rootPath: root ? split(mappings[0]!.Target).path : '',
    mappings: root ? [] : mappings.map((m) => ({ entry: m.Entry, ...split(m.Target) })),
    acceptedIpNetwork: (input.AcceptedIpNetwork ?? []).join(', '),
    expiresAt: input.ExpiresAt ?? '',
    policy: input.Policy ?? '',
    disabled: input.Disabled ?? false,
  };
}

export async function getUserForEdit(serverId: string, username: string): Promise<UserDetail> {
  const current = await readCurrent(serverId, username);
  const summary = summarizeStoredSecret(current.secret);
  const input = storedSecretToInput(current.secret);
  return {
    username,
    versionId: current.versionId,
    lastChangedAt: current.lastChangedAt,
    summary,
    form: inputToForm(username, input, summary),
    publicKeys: keyViews(input.PublicKey ?? []),
  };
}

/** Generates the passwords a form asks for, returning the values to show once and what to store. */
async function passwordsFor(form: UserFormInput, existing: StoredUserSecret | null): Promise<{ shown: GeneratedPasswords; stored: Pick<UserSecretInput, 'Password' | 'PasswordHash' | 'ProtocolOverrides'>; keepExisting: boolean }> {
  const shown: GeneratedPasswords = {};
  const stored: Pick<UserSecretInput, 'Password' | 'PasswordHash' | 'ProtocolOverrides'> = {};
  const legacy = form.password.storage === 'plaintext';
  const keepExisting = form.password.mode === 'keep' && existing !== null && summarizeStoredSecret(existing).passwordMode !== 'none';
  if (form.password.mode === 'generate') {
    shown.main = generatePassword();
    if (legacy) stored.Password = shown.main;
    else stored.PasswordHash = await hashPassword(shown.main);
  } else if (keepExisting) {
    stored.PasswordHash = KEPT_PASSWORD_PLACEHOLDER;
  }
  for (const protocol of PROTOCOLS) {
    if (!form.protocolPasswords[protocol]) continue;
    const value = generatePassword();
    shown[protocol] = value;
    stored.ProtocolOverrides = { ...stored.ProtocolOverrides, [protocol]: legacy ? { Password: value } : { PasswordHash: await hashPassword(value) } };
  }
  return { shown, stored, keepExisting };
}

const PASSWORD_KEYS = new Set(['Password', 'PasswordHash', ...PROTOCOLS.flatMap((p) => [`${p}Password`, `${p}PasswordHash`])]);
const CONTRACT_KEYS = new Set<string>([...SECRET_KEYS, ...PROTOCOLS.flatMap((p) => SECRET_KEYS.map((k) => `${p}${k}`))]);

/**
 * The SecretString to store for an edit: the form's fields, the kept passwords copied as they are,
 * and any keys the contract does not know (added by hand) preserved.
 */
function mergedSecretString(input: UserSecretInput, existing: StoredUserSecret | null, keepPasswords: boolean, newProtocolPasswords: Protocol[]): string {
  const next = JSON.parse(serializeUserSecret(input)) as Record<string, unknown>;
  if (keepPasswords) {
    delete next.PasswordHash;
    delete next.Password;
  }
  if (existing) {
    for (const [key, value] of Object.entries(existing)) {
      const protocolPassword = PROTOCOLS.find((p) => key === `${p}Password` || key === `${p}PasswordHash`);
      if (PASSWORD_KEYS.has(key)) {
        const isMain = key === 'Password' || key === 'PasswordHash';
        if ((isMain && keepPasswords) || (protocolPassword && !newProtocolPasswords.includes(protocolPassword))) next[key] = value;
      } else if (!CONTRACT_KEYS.has(key)) {
        next[key] = value;
      }
    }
  }
  return JSON.stringify(next);
}

/** Creates the user's secret, or fails without writing anything (name taken, pending deletion, invalid). */
export async function createUser(serverId: string, form: UserFormInput, actor: Actor): Promise<{ username: string; passwords: GeneratedPasswords }> {
  const server = await requireManageableServer(serverId);
  if (form.password.mode === 'keep') throw new ConsoleError('A new user has no password to keep.', { password: ['Choose to generate a password, or no password with SSH keys'] });
  const { shown, stored } = await passwordsFor(form, null);
  const username = usernameSchema.safeParse(form.username);
  const validated = validateUserForm(form, server.domain, stored);
  // Every field's problems at once, so the admin fixes the form in one pass.
  if (!username.success || !validated.ok) {
    throw new ConsoleError('Some fields need attention. Nothing was saved.', {
      ...(validated.ok ? {} : validated.fieldErrors),
      ...(username.success ? {} : { username: username.error.issues.map((i) => i.message) }),
    });
  }
  const name = secretName(serverId, username.data, secretPrefix());
  try {
    await sm().send(
      new CreateSecretCommand({
        Name: name,
        SecretString: serializeUserSecret(validated.input),
        ClientRequestToken: randomUUID(),
        Description: `Transfer user ${username.data} of ${serverId}, managed by Transfer Desk`,
        Tags: [
          { Key: TAG_MANAGED, Value: 'true' },
          ...(validated.input.PosixProfile ? [{ Key: TAG_UID, Value: String(validated.input.PosixProfile.Uid) }] : []),
        ],
      }),
    );
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceExistsException') {
      throw new ConsoleError(`A user named ${username.data} already exists on this server. Nothing was saved.`, { username: ['This user name is taken on this server'] });
    }
    if (err instanceof Error && err.name === 'InvalidRequestException') {
      throw new ConsoleError(`${username.data} was deleted and is still in its recovery window. Restore it, or choose another name. Nothing was saved.`, {
        username: ['A deleted user with this name can still be restored'],
      });
    }
    throw err;
  }
  await recordAudit(actor, 'user.create', serverId, username.data, {
    authMethods: [...(shown.main ? ['password'] : []), ...(validated.input.PublicKey?.length ? ['keys'] : [])],
    passwordStorage: form.password.storage,
  });
  return { username: username.data, passwords: shown };
}

/**
 * Writes a new version only if AWSCURRENT is still `expectedVersionId`: the version is put under a
 * staging label of its own, then AWSCURRENT moves to it with RemoveFromVersionId as the condition.
 * If another edit got there first, the move fails and their change stays current.
 */
async function writeIfCurrent(serverId: string, username: string, secretString: string, expectedVersionId: string): Promise<string> {
  const SecretId = secretName(serverId, username, secretPrefix());
  const put = await sm().send(new PutSecretValueCommand({ SecretId, SecretString: secretString, ClientRequestToken: randomUUID(), VersionStages: [PENDING_STAGE] }));
  try {
    await sm().send(new UpdateSecretVersionStageCommand({ SecretId, VersionStage: 'AWSCURRENT', MoveToVersionId: put.VersionId, RemoveFromVersionId: expectedVersionId }));
  } catch (err) {
    if (err instanceof Error && err.name === 'InvalidParameterException') throw new StaleVersionError();
    throw err;
  }
  return put.VersionId ?? '';
}

async function tagUid(serverId: string, username: string, profile: PosixProfile | undefined): Promise<void> {
  if (!profile) return;
  await sm()
    .send(new TagResourceCommand({ SecretId: secretName(serverId, username, secretPrefix()), Tags: [{ Key: TAG_UID, Value: String(profile.Uid) }, { Key: TAG_MANAGED, Value: 'true' }] }))
    .catch(() => undefined); // The tag only speeds up UID suggestions; the secret is the truth.
}

export async function updateUser(
  serverId: string,
  username: string,
  form: UserFormInput,
  expectedVersionId: string,
  actor: Actor,
): Promise<{ versionId: string; passwords: GeneratedPasswords }> {
  const server = await requireManageableServer(serverId);
  const current = await readCurrent(serverId, username);
  if (current.versionId !== expectedVersionId) throw new StaleVersionError();
  const { shown, stored, keepExisting } = await passwordsFor(form, current.secret);
  const validated = validateUserForm(form, server.domain, stored);
  if (!validated.ok) throw new ConsoleError('Some fields need attention. Nothing was saved.', validated.fieldErrors);
  const newProtocolPasswords = PROTOCOLS.filter((p) => form.protocolPasswords[p]);
  const secretString = mergedSecretString(validated.input, current.secret, keepExisting, newProtocolPasswords);
  const versionId = await writeIfCurrent(serverId, username, secretString, expectedVersionId);
  await tagUid(serverId, username, validated.input.PosixProfile);
  await recordAudit(actor, 'user.update', serverId, username, {
    changed: changedFields(current.secret, JSON.parse(secretString) as StoredUserSecret),
    ...(shown.main ? { passwordReset: true } : {}),
  });
  return { versionId, passwords: shown };
}

/** Names of the keys whose value differs, never the values themselves. */
function changedFields(before: StoredUserSecret, after: StoredUserSecret): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])).sort();
}

/** Re-reads and retries when another edit lands in between: these changes touch one field only. */
async function patchUser(serverId: string, username: string, patch: (secret: Record<string, unknown>) => void): Promise<string> {
  await requireManageableServer(serverId);
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await readCurrent(serverId, username);
    const next: Record<string, unknown> = { ...current.secret };
    patch(next);
    try {
      return await writeIfCurrent(serverId, username, JSON.stringify(next), current.versionId);
    } catch (err) {
      if (!(err instanceof StaleVersionError) || attempt === 2) throw err;
    }
  }
  throw new StaleVersionError();
}

/**
 * A new generated password, shown once. It replaces every password of the user (per-protocol ones
 * too). A user stored in legacy plaintext stays in plaintext: that server may still run AWS's sample
 * Lambda, which cannot read hashes.
 */
export async function resetPassword(serverId: string, username: string, actor: Actor): Promise<{ password: string }> {
  const password = generatePassword();
  const hash = await hashPassword(password);
  let storage: 'hash' | 'plaintext' = 'hash';
  await patchUser(serverId, username, (secret) => {
    storage = summarizeStoredSecret(secret).passwordMode === 'plaintext' ? 'plaintext' : 'hash';
    for (const key of PASSWORD_KEYS) delete secret[key];
    if (storage === 'plaintext') secret.Password = password;
    else secret.PasswordHash = hash;
  });
  await recordAudit(actor, 'user.reset-password', serverId, username, { passwordStorage: storage });
  return { password };
}

export async function setUserDisabled(serverId: string, username: string, disabled: boolean, actor: Actor): Promise<void> {
  await patchUser(serverId, username, (secret) => {
    if (disabled) secret.Disabled = 'true';
    else delete secret.Disabled;
  });
  await recordAudit(actor, disabled ? 'user.disable' : 'user.enable', serverId, username);
}

export async function deleteUser(serverId: string, username: string, recoveryWindowInDays: number, actor: Actor): Promise<{ deletionDate: string | null }> {
  await requireManageableServer(serverId);
  assertUsername(username);
  if (!Number.isInteger(recoveryWindowInDays) || recoveryWindowInDays < 7 || recoveryWindowInDays > 30) {
    throw new ConsoleError('The recovery window is 7 to 30 days.', { recoveryWindowInDays: ['Choose 7 to 30 days'] });
  }
  const SecretId = secretName(serverId, username, secretPrefix());
  try {
    // Tagged first, so the console can list it while it can still be restored.
    await sm().send(new TagResourceCommand({ SecretId, Tags: [{ Key: TAG_PENDING_DELETION, Value: 'true' }] }));
    const deleted = await sm().send(new DeleteSecretCommand({ SecretId, RecoveryWindowInDays: recoveryWindowInDays }));
    await recordAudit(actor, 'user.delete', serverId, username, { recoveryWindowInDays });
    return { deletionDate: deleted.DeletionDate?.toISOString() ?? null };
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceNotFoundException') throw new NotFoundError(`User ${username}`);
    if (err instanceof Error && err.name === 'InvalidRequestException') throw new ConsoleError(`${username} is already deleted.`);
    throw err;
  }
}

export async function restoreUser(serverId: string, username: string, actor: Actor): Promise<void> {
  await requireManageableServer(serverId);
  assertUsername(username);
  const SecretId = secretName(serverId, username, secretPrefix());
  try {
    await sm().send(new RestoreSecretCommand({ SecretId }));
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceNotFoundException') throw new NotFoundError(`User ${username}`);
    throw err;
  }
  await sm().send(new UntagResourceCommand({ SecretId, TagKeys: [TAG_PENDING_DELETION] })).catch(() => undefined);
  await recordAudit(actor, 'user.restore', serverId, username);
}

export type TestLoginResult = {
  allowed: boolean;
  statusCode: number;
  message: string;
  role: string | null;
  homeDirectoryType: string | null;
  homeDirectory: string | null;
  homeDirectoryMappings: HomeDirectoryMapping[];
  posixProfile: PosixProfile | null;
};

export async function testLogin(
  serverId: string,
  request: { username: string; password: string; sourceIp?: string; protocol?: Protocol },
  actor: Actor,
): Promise<TestLoginResult> {
  await requireManageableServer(serverId);
  const result = await aws().transfer.send(
    new TestIdentityProviderCommand({
      ServerId: serverId,
      UserName: request.username,
      UserPassword: request.password,
      ServerProtocol: request.protocol ?? 'SFTP',
      ...(request.sourceIp ? { SourceIp: request.sourceIp } : {}),
    }),
  );
  let answer: Record<string, unknown> = {};
  try {
    answer = JSON.parse(result.Response ?? '{}') as Record<string, unknown>;
  } catch {
    answer = {};
  }
  const allowed = typeof answer.Role === 'string' && answer.Role !== '';
  const mappings = answer.HomeDirectoryDetails !== undefined ? readHomeDirectoryDetails(answer.HomeDirectoryDetails) : null;
  const posix = answer.PosixProfile !== undefined ? readPosixProfile(answer.PosixProfile) : null;
  await recordAudit(actor, 'user.test-login', serverId, request.username, { allowed, protocol: request.protocol ?? 'SFTP' });
  return {
    allowed,
    statusCode: result.StatusCode ?? 0,
    message: result.Message ?? '',
    role: allowed ? (answer.Role as string) : null,
    homeDirectoryType: typeof answer.HomeDirectoryType === 'string' ? answer.HomeDirectoryType : answer.HomeDirectory ? 'PATH' : null,
    homeDirectory: typeof answer.HomeDirectory === 'string' ? answer.HomeDirectory : null,
    homeDirectoryMappings: mappings?.ok ? mappings.value : [],
    posixProfile: posix?.ok ? posix.value : null,
  };
}

/** UIDs in use on a server (from the console's tags, reading only secrets without one) and the next free one. */
export async function uidUsage(serverId: string): Promise<{ nextUid: number; usedBy: Record<string, string[]> }> {
  const usedBy: Record<string, string[]> = {};
  const untagged: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await sm().send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [`${secretPrefix()}${serverId}/`] }], MaxResults: 100, NextToken }));
    for (const entry of page.SecretList ?? []) {
      const username = entry.Name ? parseSecretName(entry.Name, secretPrefix())?.username : undefined;
      if (!username) continue;
      const uid = entry.Tags?.find((t) => t.Key === TAG_UID)?.Value;
      if (uid !== undefined && /^\d+$/.test(uid)) (usedBy[uid] ??= []).push(username);
      else untagged.push(entry.ARN ?? entry.Name!);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  for (let i = 0; i < untagged.length; i += 20) {
    const batch = await sm().send(new BatchGetSecretValueCommand({ SecretIdList: untagged.slice(i, i + 20) }));
    for (const value of batch.SecretValues ?? []) {
      const parsed = parseStoredSecret(value.SecretString);
      const username = value.Name ? parseSecretName(value.Name, secretPrefix())?.username : undefined;
      const profile = parsed.ok && parsed.secret.PosixProfile !== undefined ? readPosixProfile(parsed.secret.PosixProfile) : null;
      if (username && profile?.ok) (usedBy[String(profile.value.Uid)] ??= []).push(username);
    }
  }
  const used = Object.keys(usedBy).map(Number).filter((uid) => uid < 4_000_000_000);
  const nextUid = Math.max(1999, ...used) + 1;
  return { nextUid, usedBy };
}

export type UserPreview = {
  fieldErrors: Record<string, string[]>;
  warnings: string[];
  storedSecret: Record<string, unknown> | null;
  lambdaAnswer: Record<string, unknown> | null;
  publicKeys: PublicKeyView[];
};

/**
 * What saving the form would store (passwords and hashes redacted) and the exact answer the Lambda
 * would give to a successful login, computed by the same decision code the Lambda runs.
 */
export async function previewUser(serverId: string, form: UserFormInput, options: { editing?: string } = {}): Promise<UserPreview> {
  const server = await requireManageableServer(serverId);
  const warnings: string[] = [];
  const placeholder = form.password.mode === 'none' ? {} : { PasswordHash: KEPT_PASSWORD_PLACEHOLDER };
  const protocolOverrides = Object.fromEntries(PROTOCOLS.filter((p) => form.protocolPasswords[p]).map((p) => [p, { PasswordHash: KEPT_PASSWORD_PLACEHOLDER }]));
  const validated = validateUserForm(form, server.domain, { ...placeholder, ...(Object.keys(protocolOverrides).length ? { ProtocolOverrides: protocolOverrides } : {}) });
  const keys = form.publicKeys.split('\n').map((l) => l.trim()).filter(Boolean);
  const fieldErrors: Record<string, string[]> = validated.ok ? {} : validated.fieldErrors;
  if (!options.editing) {
    const name = usernameSchema.safeParse(form.username);
    if (!name.success) fieldErrors.username = name.error.issues.map((i) => i.message);
  }
  const uid = Number(form.uid);
  if (String(form.uid).trim() !== '' && uid === 0) warnings.push('UID 0 is root on the file system: this user could read and change every file.');
  if (String(form.uid).trim() !== '' && Number.isInteger(uid)) {
    const { usedBy } = await uidUsage(serverId);
    const others = (usedBy[String(uid)] ?? []).filter((u) => u !== (options.editing ?? form.username));
    if (others.length) warnings.push(`UID ${uid} is already used by ${others.join(', ')} on this server: they would share file ownership.`);
  }
  if (!validated.ok) return { fieldErrors, warnings, storedSecret: null, lambdaAnswer: null, publicKeys: keyViews(keys) };
  const stored = JSON.parse(serializeUserSecret(validated.input)) as Record<string, unknown>;
  const previewPassword = 'preview-only-password';
  const forDecision = { ...stored };
  if (form.password.mode !== 'none') forDecision.Password = previewPassword;
  delete forDecision.PasswordHash;
  delete forDecision.Disabled;
  delete forDecision.ExpiresAt;
  const decision = await decideLogin(
    { username: form.username || options.editing || 'preview', password: form.password.mode === 'none' ? '' : previewPassword, protocol: 'SFTP', serverId, sourceIp: null },
    JSON.stringify({ ...forDecision, AcceptedIpNetwork: undefined }),
  );
  const redacted = Object.fromEntries(
    Object.entries(stored).map(([key, value]) => [key, PASSWORD_KEYS.has(key) ? (key.endsWith('Hash') ? '<argon2id hash, made on save>' : '<generated on save, shown once>') : value]),
  );
  if (form.password.mode === 'keep') redacted.PasswordHash = '<unchanged>';
  if (form.disabled) warnings.push('The user is disabled: every login will be refused.');
  if (validated.input.ExpiresAt && new Date(validated.input.ExpiresAt).getTime() <= Date.now()) warnings.push('The expiry is in the past: every login will be refused.');
  return { fieldErrors, warnings, storedSecret: redacted, lambdaAnswer: decision.response, publicKeys: keyViews(keys) };
}
