// One page of a server's users, and the users still in their recovery window.
import 'server-only';
import { BatchGetSecretValueCommand, ListSecretsCommand, paginateListSecrets, type SecretListEntry } from '@aws-sdk/client-secrets-manager';
import { parseSecretName, parseStoredSecret, summarizeStoredSecret, type StoredUserSecret, type UserSecretSummary } from '../../secret/contract';
import { ConsoleError } from '../errors';
import { secretPrefix } from '../servers';
import { homeDisplay, sm, TAG_PENDING_DELETION, USERS_PAGE_SIZE } from './shared';

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

/** Every secret entry under a server's name prefix, page by page. */
export async function* serverSecretEntries(serverId: string): AsyncGenerator<SecretListEntry> {
  for await (const page of paginateListSecrets({ client: sm(), pageSize: 100 }, { Filters: [{ Key: 'name', Values: [`${secretPrefix()}${serverId}/`] }] })) {
    yield* page.SecretList ?? [];
  }
}
