// One page of a server's users (status, filters, sorting and search from the user index), and the
// users still in their recovery window, page by page.
import 'server-only';
import { BatchGetSecretValueCommand, ListSecretsCommand, paginateListSecrets, type SecretListEntry } from '@aws-sdk/client-secrets-manager';
import { parseSecretName } from '../../secret/contract';
import { ConsoleError } from '../errors';
import { secretPrefix } from '../servers';
import { lastSuccessfulLogins } from '../login-records';
import { attentionOf, EXPIRING_WITHIN_MS, type AttentionCategory } from '../user-index-attention';
import { lastLoginsOfServer, loginHistoryOfServer } from '../user-index-logins';
import { indexedUser, rememberUsers, userIndex, type IndexedUser } from '../user-index';
import { sm, TAG_PENDING_DELETION, USERS_PAGE_SIZE } from './shared';

export const USER_STATUSES = ['active', 'disabled', 'expired', 'expiring', 'plaintext', 'never-logged-in'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
export const USER_SORTS = ['name', 'changed', 'expiry', 'login'] as const;
export type UserSort = (typeof USER_SORTS)[number];
export { EXPIRING_WITHIN_MS };
export const PENDING_DELETION_PAGE_SIZE = 50;

/** `lastLoginAt`: the last successful login within LAST_LOGIN_DAYS, null for none, undefined when the logs could not be read. */
export type UserRow = IndexedUser & {
  expired: boolean;
  statuses: UserStatus[];
  lastLoginAt: string | null | undefined;
  /** Why the user is in the security posture's category the list is filtered by. */
  attentionDetail?: string;
};

export type PendingDeletionRow = { username: string; deletionDate: string | null };

export type UserListQuery = {
  /** Matches anywhere in the name, ignoring case (from the index); a name prefix until it is built. */
  search?: string;
  /** Kept for callers of the prefix search; the same as `search`. */
  prefix?: string;
  status?: UserStatus;
  /**
   * Only the users of one security posture category (admins only: the caller checks the role), the
   * same users the posture page counts (both come from the index through `attentionOf`).
   */
  attention?: AttentionCategory;
  sort?: UserSort;
  order?: 'asc' | 'desc';
  /** 1-based page of the indexed list. */
  page?: number;
  /** AWS NextToken of the unindexed (name order) list. */
  nextToken?: string;
  pageSize?: number;
  /** How long a request may wait for a first build of the index. */
  waitMs?: number;
};

export type UserList = {
  users: UserRow[];
  /** True when status, filters, sorting and search anywhere in the name are served from the index. */
  indexed: boolean;
  /** Matching users and pages (indexed only). */
  total: number | null;
  page: number;
  pageCount: number | null;
  /** Age of the index in ms (indexed only). */
  indexAgeMs: number | null;
  /** Users read so far by a running first build (unindexed only). */
  indexProgress: number | null;
  nextToken: string | null;
  pendingDeletion: PendingDeletionRow[];
  pendingDeletionNextToken: string | null;
  /** Set when the login records could not be read: the last-login column is empty, not "never". */
  loginsUnavailable: string | null;
  /** The posture category filtered by, and how many users it holds on the whole server (before search). */
  attention: { category: AttentionCategory; total: number } | null;
};

export function statusesOf(user: IndexedUser, now = Date.now(), lastLoginAt?: string | null): { expired: boolean; statuses: UserStatus[] } {
  const expiry = user.expiresAt ? Date.parse(user.expiresAt) : NaN;
  const expired = !Number.isNaN(expiry) && expiry <= now;
  const statuses: UserStatus[] = [];
  if (user.disabled) statuses.push('disabled');
  if (expired) statuses.push('expired');
  if (!user.disabled && !expired) statuses.push('active');
  if (!expired && !Number.isNaN(expiry) && expiry - now <= EXPIRING_WITHIN_MS) statuses.push('expiring');
  if (user.passwordMode === 'plaintext') statuses.push('plaintext');
  if (lastLoginAt === null) statuses.push('never-logged-in');
  return { expired, statuses };
}

const toRow = (user: IndexedUser, now: number, logins: Map<string, string> | null): UserRow => {
  const lastLoginAt = logins ? (logins.get(user.username) ?? null) : undefined;
  return { ...user, ...statusesOf(user, now, lastLoginAt), lastLoginAt };
};

function compare(sort: UserSort, logins: Map<string, string> | null): (a: IndexedUser, b: IndexedUser) => number {
  const byName = (a: IndexedUser, b: IndexedUser) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0);
  if (sort === 'name') return byName;
  const key =
    sort === 'changed'
      ? (u: IndexedUser) => u.lastChangedAt
      : sort === 'login'
        ? (u: IndexedUser) => logins?.get(u.username) ?? null
        : (u: IndexedUser) => u.expiresAt;
  // Users without the value come last in either order; ties in name order.
  return (a, b) => {
    const x = key(a) ? Date.parse(key(a)!) : NaN;
    const y = key(b) ? Date.parse(key(b)!) : NaN;
    if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1;
    return (Number.isNaN(x) ? 0 : x - y) || byName(a, b);
  };
}

/**
 * One page of a server's users. From the index: filtered, searched and sorted in memory, then the
 * page's rows (at most 20) re-read with one BatchGetSecretValue so what is shown is current; with the
 * pending deletions, 2 AWS calls whatever the number of users. Before the index's first build: one
 * ListSecrets (name-prefix search) and one BatchGetSecretValue, in name order, while the build runs
 * in the background.
 */
export async function listUsers(serverId: string, options: UserListQuery = {}): Promise<UserList> {
  const search = (options.search ?? options.prefix ?? '').trim();
  if (search.length > 100) throw new ConsoleError('Search for at most 100 characters: user names are no longer.');
  const pageSize = Math.max(1, Math.min(options.pageSize ?? USERS_PAGE_SIZE, 20));
  const [status, pending] = await Promise.all([
    userIndex(serverId, { waitMs: options.waitMs ?? 0 }),
    options.nextToken || (options.page ?? 1) > 1 ? Promise.resolve(null) : listPendingDeletion(serverId),
  ]);
  const pendingDeletion = pending?.rows ?? [];
  const pendingDeletionNextToken = pending?.nextToken ?? null;
  const now = Date.now();
  let loginsUnavailable: string | null = null;
  const unavailable = (err: unknown) => {
    loginsUnavailable = err instanceof Error ? err.name : 'UnknownError';
    console.error(JSON.stringify({ level: 'error', event: 'login-records-read-failed', serverId, error: loginsUnavailable }));
    return null;
  };
  if (status.ready) {
    const needle = search.toLowerCase();
    const sort = options.sort ?? 'name';
    // Every user's last login only when the filter or the sort needs it (cached, see user-index-logins.ts).
    // "Never logged in" follows the posture page's rule: no log group or an unreadable one is "unavailable", never "nobody".
    // For "never logged in", the history itself (its map and whether it can tell): a missing or
    // unreadable log group is "unavailable", never "nobody", as on the posture page.
    const allLogins =
      options.status === 'never-logged-in'
        ? (await requireLoginHistory(serverId)).lastLogin
        : sort === 'login'
          ? await lastLoginsOfServer(serverId).catch(unavailable)
          : null;
    const attention = options.attention ? await attentionMembers(serverId, status.index.users.values(), options.attention) : null;
    const matching = [...status.index.users.values()].filter(
      (user) =>
        (!attention || attention.details.has(user.username)) &&
        (!needle || user.username.toLowerCase().includes(needle)) &&
        (!options.status || statusesOf(user, now, allLogins ? (allLogins.get(user.username) ?? null) : undefined).statuses.includes(options.status)),
    );
    matching.sort(compare(sort, allLogins));
    if (options.order === 'desc') matching.reverse();
    const pageCount = Math.max(1, Math.ceil(matching.length / pageSize));
    const page = Math.min(Math.max(1, Math.floor(options.page ?? 1)), pageCount);
    const shown = matching.slice((page - 1) * pageSize, page * pageSize);
    const [fresh, pageLogins] = await Promise.all([
      rereadRows(serverId, shown),
      allLogins ? Promise.resolve(allLogins) : pageLastLogins(serverId, shown).catch(unavailable),
    ]);
    return {
      users: fresh.map((user) => ({ ...toRow(user, now, pageLogins), attentionDetail: attention?.details.get(user.username) })),
      indexed: true,
      total: matching.length,
      page,
      pageCount,
      indexAgeMs: status.ageMs,
      indexProgress: null,
      nextToken: null,
      pendingDeletion,
      pendingDeletionNextToken,
      loginsUnavailable,
      attention: attention ? { category: options.attention!, total: attention.details.size } : null,
    };
  }
  // User names hold only these characters, so any other search has no match: no AWS call needed.
  const prefix = /^[\w@.-]*$/.test(search) ? search : null;
  const unindexed =
    options.status || options.attention || prefix === null
      ? { users: [], nextToken: null }
      : await prefixPage(serverId, prefix, pageSize, options.nextToken);
  const logins = await pageLastLogins(serverId, unindexed.users).catch(unavailable);
  return {
    users: unindexed.users.map((user) => toRow(user, now, logins)),
    indexed: false,
    total: null,
    page: 1,
    pageCount: null,
    indexAgeMs: null,
    indexProgress: status.progress,
    nextToken: unindexed.nextToken,
    pendingDeletion,
    pendingDeletionNextToken,
    loginsUnavailable,
    attention: null,
  };
}

/** The server's login history, or the reason it cannot tell who never logged in, as a ConsoleError. */
async function requireLoginHistory(serverId: string): Promise<Extract<Awaited<ReturnType<typeof loginHistoryOfServer>>, { available: true }>> {
  const history = await loginHistoryOfServer(serverId);
  if (!history.available) throw new ConsoleError(`Login history unavailable: ${history.reason}. Users who never logged in cannot be listed.`);
  return history;
}

/** The users of one posture category with each one's detail, from the index (and the login history for "never logged in"). */
async function attentionMembers(
  serverId: string,
  users: Iterable<IndexedUser>,
  category: AttentionCategory,
): Promise<{ details: Map<string, string> }> {
  let lastLogins: ReadonlyMap<string, string> | null = null;
  let historySince: string | null = null;
  if (category === 'never-logged-in') {
    const history = await requireLoginHistory(serverId);
    lastLogins = history.lastLogin;
    historySince = history.since;
  }
  const attention = attentionOf(users, { lastLogins, historySince });
  return { details: new Map(attention.categories[category].map((e) => [e.username, e.detail])) };
}

/** The page's last logins: one FilterLogEvents query for the page's names (more only for very long names). */
async function pageLastLogins(serverId: string, rows: IndexedUser[]): Promise<Map<string, string>> {
  if (rows.length === 0) return new Map();
  const records = await lastSuccessfulLogins(
    serverId,
    rows.map((row) => row.username),
  );
  return new Map([...records].map(([name, record]) => [name, record.time]));
}

/** The shown rows as stored now (one call); a user deleted meanwhile drops out of the page and the index. */
async function rereadRows(serverId: string, rows: IndexedUser[]): Promise<IndexedUser[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => `${secretPrefix()}${serverId}/${row.username}`);
  const batch = await sm().send(new BatchGetSecretValueCommand({ SecretIdList: ids }));
  const values = new Map((batch.SecretValues ?? []).map((value) => [value.Name ?? '', value]));
  const gone = new Set(
    (batch.Errors ?? [])
      .filter((e) => e.ErrorCode === 'ResourceNotFoundException' || e.ErrorCode === 'InvalidRequestException')
      .map((e) => e.SecretId ?? ''),
  );
  const fresh: IndexedUser[] = [];
  const removed: string[] = [];
  rows.forEach((row, i) => {
    const value = values.get(ids[i]!);
    if (value) fresh.push(indexedUser(row.username, value.SecretString, value.CreatedDate?.toISOString() ?? row.lastChangedAt));
    else if (gone.has(ids[i]!)) removed.push(row.username);
    else fresh.push(row);
  });
  rememberUsers(serverId, fresh, removed);
  return fresh;
}

async function prefixPage(
  serverId: string,
  prefix: string,
  pageSize: number,
  nextToken: string | undefined,
): Promise<{ users: IndexedUser[]; nextToken: string | null }> {
  const namePrefix = `${secretPrefix()}${serverId}/`;
  const page = await sm().send(
    new ListSecretsCommand({
      Filters: [{ Key: 'name', Values: [`${namePrefix}${prefix}`] }],
      MaxResults: pageSize,
      NextToken: nextToken,
      SortOrder: 'asc',
    }),
  );
  const entries = (page.SecretList ?? []).filter((entry) => entry.Name && parseSecretName(entry.Name, secretPrefix())?.serverId === serverId);
  const values = new Map<string, string | undefined>();
  if (entries.length > 0) {
    const batch = await sm().send(new BatchGetSecretValueCommand({ SecretIdList: entries.map((entry) => entry.ARN ?? entry.Name!) }));
    for (const value of batch.SecretValues ?? []) values.set(value.Name ?? '', value.SecretString);
  }
  const users = entries
    .map((entry) =>
      indexedUser(parseSecretName(entry.Name!, secretPrefix())!.username, values.get(entry.Name!), entry.LastChangedDate?.toISOString() ?? null),
    )
    .sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  return { users, nextToken: page.NextToken ?? null };
}

/**
 * Users the console deleted that are still in their recovery window (tagged before deletion), one
 * ListSecrets of at most 50 a page, oldest deletion first, with AWS's NextToken for the next page.
 */
export async function listPendingDeletion(serverId: string, nextToken?: string): Promise<{ rows: PendingDeletionRow[]; nextToken: string | null }> {
  const rows: PendingDeletionRow[] = [];
  let token = nextToken;
  // Live secrets carrying a stale tag are skipped; a few more calls fill the page, never unbounded.
  for (let call = 0; call < 3 && rows.length < PENDING_DELETION_PAGE_SIZE; call++) {
    const page = await sm().send(
      new ListSecretsCommand({
        Filters: [
          { Key: 'name', Values: [`${secretPrefix()}${serverId}/`] },
          { Key: 'tag-key', Values: [TAG_PENDING_DELETION] },
        ],
        IncludePlannedDeletion: true,
        MaxResults: PENDING_DELETION_PAGE_SIZE - rows.length,
        NextToken: token,
      }),
    );
    for (const entry of page.SecretList ?? []) {
      if (!entry.DeletedDate || !entry.Name) continue;
      const parsed = parseSecretName(entry.Name, secretPrefix());
      if (parsed?.serverId !== serverId) continue;
      rows.push({ username: parsed.username, deletionDate: deletionDateOf(entry) });
    }
    token = page.NextToken;
    if (!token) break;
  }
  return { rows, nextToken: token ?? null };
}

function deletionDateOf(entry: SecretListEntry): string | null {
  return entry.DeletedDate?.toISOString() ?? null;
}

/** Every secret entry under a server's name prefix, page by page. */
export async function* serverSecretEntries(serverId: string): AsyncGenerator<SecretListEntry> {
  for await (const page of paginateListSecrets(
    { client: sm(), pageSize: 100 },
    { Filters: [{ Key: 'name', Values: [`${secretPrefix()}${serverId}/`] }] },
  )) {
    yield* page.SecretList ?? [];
  }
}
