// A server's users as the bulk formats write them: every field the form edits, never a password or
// a hash (sign_in_methods says which exist; password says `generate` where one existed).
import 'server-only';
import { PROTOCOLS, storedSecretToInput, summarizeStoredSecret, type StoredUserSecret } from '../../secret/contract';
import { requireManageableServer } from '../users/shared';
import { writeCsv, writeJson, type BulkUser } from './format';
import { readAllUsers } from './read-all';

const filled = (value: unknown) => typeof value === 'string' && value !== '';

export function secretToBulkUser(username: string, secret: StoredUserSecret): BulkUser {
  const input = storedSecretToInput(secret);
  const summary = summarizeStoredSecret(secret);
  const mainPassword = filled(secret.PasswordHash) || filled(secret.Password);
  const mappings = input.HomeDirectoryDetails ?? [];
  const restricted = mappings.length === 1 && mappings[0]!.Entry === '/';
  return {
    username,
    signInMethods: summary.authMethods,
    password: mainPassword ? 'generate' : 'none',
    protocolPasswords: PROTOCOLS.filter((p) => filled(secret[`${p}PasswordHash`]) || filled(secret[`${p}Password`])),
    publicKeys: input.PublicKey ?? [],
    role: input.Role,
    uid: input.PosixProfile ? String(input.PosixProfile.Uid) : '',
    gid: input.PosixProfile ? String(input.PosixProfile.Gid) : '',
    secondaryGids: (input.PosixProfile?.SecondaryGids ?? []).map(String),
    homeType: input.HomeDirectory !== undefined ? 'path' : restricted ? 'restricted' : 'mappings',
    home: input.HomeDirectory ?? (restricted ? mappings[0]!.Target : ''),
    mappings: restricted ? [] : mappings.map((m) => ({ entry: m.Entry, target: m.Target })),
    allowedNetworks: input.AcceptedIpNetwork ?? [],
    expiresAt: input.ExpiresAt ?? '',
    disabled: input.Disabled ? 'true' : 'false',
    policy: input.Policy ?? '',
  };
}

export type ExportResult = { body: string; contentType: string; fileName: string; exported: number; skipped: { username: string; reason: string }[] };

export async function exportUsers(serverId: string, format: 'csv' | 'json'): Promise<ExportResult> {
  await requireManageableServer(serverId);
  const users = await readAllUsers(serverId);
  const exported: BulkUser[] = [];
  const skipped: ExportResult['skipped'] = [];
  for (const user of users) {
    if (user.secret) exported.push(secretToBulkUser(user.username, user.secret));
    else skipped.push({ username: user.username, reason: user.error ?? 'unreadable' });
  }
  const stamp = new Date().toISOString().slice(0, 10);
  return format === 'json'
    ? {
        body: writeJson(serverId, exported),
        contentType: 'application/json; charset=utf-8',
        fileName: `${serverId}-users-${stamp}.json`,
        exported: exported.length,
        skipped,
      }
    : {
        body: writeCsv(exported),
        contentType: 'text/csv; charset=utf-8',
        fileName: `${serverId}-users-${stamp}.csv`,
        exported: exported.length,
        skipped,
      };
}
