// What every job on a server's users relies on: the secret's name, the console's tags, reading the
// current version, and the key sets that decide what an edit may touch.
import 'server-only';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { aws } from '../../aws/clients';
import {
  PROTOCOLS,
  SECRET_KEYS,
  isValidUsername,
  parseStoredSecret,
  secretName,
  type StoredUserSecret,
  type UserSecretSummary,
} from '../../secret/contract';
import { parseSshPublicKey } from '../../secret/ssh-public-key';
import { ConsoleError, NotFoundError } from '../errors';
import { getServer, secretPrefix, type ServerSummary } from '../servers';

export const TAG_MANAGED = 'transfer-desk:managed';
export const TAG_UID = 'transfer-desk:uid';
export const TAG_PENDING_DELETION = 'transfer-desk:pending-deletion';
/** A version waiting for the compare-and-swap of AWSCURRENT; see writeIfCurrent. */
export const PENDING_STAGE = 'TRANSFERDESK_PENDING';
export const USERS_PAGE_SIZE = 20;

/*
 * The invariants below are why an edit never loses what it was not asked to change.
 * - The browser never sees a stored password or hash. When a form keeps a password, validation
 *   needs *some* hash to know the user still has one: KEPT_PASSWORD_PLACEHOLDER stands in for it and
 *   is never written (the stored value is copied over it) and never used to log in.
 * - PASSWORD_KEYS are every key holding a password or hash, per protocol too: only a password action
 *   (reset, or an edit that generates one) writes them; everything else copies them as stored.
 * - CONTRACT_KEYS are every key the contract defines (with protocol prefixes). Any other key was
 *   added by hand or by another tool and is preserved untouched.
 */
export const KEPT_PASSWORD_PLACEHOLDER = '$argon2id$v=19$m=19456,t=2,p=1$a2VwdHBhc3N3b3Jk$a2VwdHBhc3N3b3JkcGxhY2Vob2xkZXJwbGFjZWhvbGQ';
export const PASSWORD_KEYS: ReadonlySet<string> = new Set([
  'Password',
  'PasswordHash',
  ...PROTOCOLS.flatMap((p) => [`${p}Password`, `${p}PasswordHash`]),
]);
export const CONTRACT_KEYS: ReadonlySet<string> = new Set<string>([...SECRET_KEYS, ...PROTOCOLS.flatMap((p) => SECRET_KEYS.map((k) => `${p}${k}`))]);

export type PublicKeyView = { line: string; type: string; bits: number; fingerprint: string; comment: string };

export const sm = () => aws().secretsManager;
/** What the compare-and-swap path needs of a client: the shared one, or a bulk job's paced one (bulk/client.ts). */
export type SecretsManagerSender = Pick<SecretsManagerClient, 'send'>;
export const userSecretId = (serverId: string, username: string) => secretName(serverId, username, secretPrefix());

export function assertUsername(username: string): void {
  if (!isValidUsername(username)) throw new ConsoleError('That is not a valid user name.');
}

export async function requireManageableServer(serverId: string, options: { signal?: AbortSignal } = {}): Promise<ServerSummary> {
  if (!/^s-[0-9a-f]{17}$/.test(serverId)) throw new NotFoundError(`Server ${serverId}`);
  const server = await getServer(serverId, options);
  if (!server) throw new NotFoundError(`Server ${serverId}`);
  if (!server.manageable) throw new ConsoleError(server.readOnlyReason ?? 'This server is read-only in Transfer Desk.');
  return server;
}

export function homeDisplay(summary: UserSecretSummary): string {
  if (summary.homeDirectoryType === 'LOGICAL') return summary.homeDirectoryMappings.map((m) => `${m.Entry} → ${m.Target}`).join(', ');
  return summary.homeDirectory ?? '—';
}

export type CurrentSecret = { secret: StoredUserSecret; versionId: string; raw: string; lastChangedAt: string | null };

/** The user's current version; `client` is a bulk job's own (lib/console/bulk/client.ts), else the shared one. */
export async function readCurrent(serverId: string, username: string, client: SecretsManagerSender = sm()): Promise<CurrentSecret> {
  assertUsername(username);
  try {
    const value = await client.send(new GetSecretValueCommand({ SecretId: userSecretId(serverId, username) }));
    const parsed = parseStoredSecret(value.SecretString);
    if (!parsed.ok)
      throw new ConsoleError(`The secret of ${username} is not a JSON object, so the console will not overwrite it. Fix it in Secrets Manager.`);
    return {
      secret: parsed.secret,
      versionId: value.VersionId ?? '',
      raw: value.SecretString ?? '',
      lastChangedAt: value.CreatedDate?.toISOString() ?? null,
    };
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceNotFoundException') throw new NotFoundError(`User ${username}`);
    if (err instanceof Error && err.name === 'InvalidRequestException')
      throw new ConsoleError(`User ${username} is deleted and in its recovery window; restore it first.`);
    throw err;
  }
}

export function keyViews(keys: string[]): PublicKeyView[] {
  return keys.flatMap((line) => {
    const parsed = parseSshPublicKey(line);
    return parsed.ok
      ? [{ line: parsed.key.line, type: parsed.key.type, bits: parsed.key.bits, fingerprint: parsed.key.fingerprint, comment: parsed.key.comment }]
      : [];
  });
}
