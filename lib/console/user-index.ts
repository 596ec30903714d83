// The per-server user index: every user's list row (status, UID/GID, sign-in methods, last change),
// held in this console process so that pages, previews and UID suggestions never scan Secrets
// Manager on a request.
//
// - Built once per server from ListSecrets (100 names a call) and BatchGetSecretValue (20 values a
//   call), in the background: a request never waits for a build longer than it chooses to.
// - Fresh for INDEX_LIFETIME_MS (5 minutes). An older index is still served and a rebuild starts in
//   the background (stale-while-revalidate), so a change made outside the console (the AWS console, a
//   script, another console instance) shows in the index within 5 minutes plus one build.
// - The console's own writes call `noteUserChanged`: the user is re-read (one BatchGetSecretValue for
//   up to 20 changed users) on the next read of the index, so this instance sees its own writes at once.
// - Nothing here is a secret: rows carry no password, hash or key material.
// - Correctness never rests on the index: UIDs are reserved at write time (user-index-uids.ts), and
//   a users page re-reads the rows it shows.
import 'server-only';
import { BatchGetSecretValueCommand, paginateListSecrets, type SecretValueEntry } from '@aws-sdk/client-secrets-manager';
import { aws } from '../aws/clients';
import { parseSecretName, parseStoredSecret, summarizeStoredSecret, type UserSecretSummary } from '../secret/contract';
import { secretPrefix } from './servers';
import { plaintextSlots, weakKeys, type PasswordSlotName } from './user-index-attention';

export const INDEX_LIFETIME_MS = 5 * 60_000;
const BATCH = 20;
const PARALLEL_BATCHES = 4;

export type IndexedUser = {
  username: string;
  authMethods: UserSecretSummary['authMethods'];
  passwordMode: UserSecretSummary['passwordMode'];
  home: string;
  uid: number | null;
  gid: number | null;
  disabled: boolean;
  expiresAt: string | null;
  lastChangedAt: string | null;
  problems: string[];
  /** Password keys holding plaintext (the security posture's per-protocol counts); never the value. */
  plaintextSlots: PasswordSlotName[];
  /** Weak SSH keys on file, described ("RSA key of 1024 bits", "DSA key"). */
  weakKeys: string[];
  /** Whether the user has an allow-list of source networks. */
  allowListed: boolean;
  /** The value could not be read as a user at all (not JSON, or Secrets Manager did not return it). */
  unparsable: boolean;
};

type ServerIndex = {
  users: Map<string, IndexedUser>;
  builtAt: number;
};

type ServerState = {
  index: ServerIndex | null;
  building: Promise<ServerIndex> | null;
  /** Users read so far by the running build, to say how far it got. */
  progress: number;
  changed: Set<string>;
  /** Users this console changed while a build ran: the build may have read them before the write. */
  changedDuringBuild: Set<string>;
  lastError: string | null;
};

const states = new Map<string, ServerState>();

function state(serverId: string): ServerState {
  let s = states.get(serverId);
  if (!s) {
    s = { index: null, building: null, progress: 0, changed: new Set(), changedDuringBuild: new Set(), lastError: null };
    states.set(serverId, s);
  }
  return s;
}

const sm = () => aws().secretsManager;

export function homeText(summary: UserSecretSummary): string {
  if (summary.homeDirectoryType === 'LOGICAL') return summary.homeDirectoryMappings.map((m) => `${m.Entry} → ${m.Target}`).join(', ');
  return summary.homeDirectory ?? '—';
}

/** One user's row from the stored secret value (a value that is not a user object still gets a row). */
export function indexedUser(username: string, value: string | undefined, lastChangedAt: string | null): IndexedUser {
  const parsed = parseStoredSecret(value);
  const summary = parsed.ok ? summarizeStoredSecret(parsed.secret) : null;
  return {
    username,
    authMethods: summary?.authMethods ?? [],
    passwordMode: summary?.passwordMode ?? 'none',
    home: summary ? homeText(summary) : '—',
    uid: summary?.posixProfile?.Uid ?? null,
    gid: summary?.posixProfile?.Gid ?? null,
    disabled: summary?.disabled ?? false,
    expiresAt: summary?.expiresAt ?? null,
    lastChangedAt,
    problems: summary ? summary.problems : [`${parsed.ok ? '' : parsed.error}: it cannot be read as a user`],
    plaintextSlots: parsed.ok ? plaintextSlots(parsed.secret) : [],
    weakKeys: parsed.ok ? weakKeys(parsed.secret) : [],
    allowListed: (summary?.acceptedIpNetworks.length ?? 0) > 0,
    unparsable: !parsed.ok,
  };
}

/** The row of a user whose value Secrets Manager did not return (no access to its KMS key, …), with the reason. */
export function unreadableUser(username: string, errorCode: string, lastChangedAt: string | null): IndexedUser {
  return {
    ...indexedUser(username, undefined, lastChangedAt),
    problems: [`Secrets Manager did not return the value (${errorCode})`],
  };
}

function usernameOf(name: string | undefined, serverId: string): string | null {
  const parsed = name ? parseSecretName(name, secretPrefix()) : null;
  return parsed && parsed.serverId === serverId ? parsed.username : null;
}

/**
 * Reads values for up to 20 secret ids in one call; ids that no longer exist come back as missing,
 * ids whose value AWS refused (KMS access, decryption) as refused with the error code, so one such
 * secret shows as unreadable instead of failing every page. A throttled or failed call still throws.
 */
async function readValues(
  ids: string[],
  signal?: AbortSignal,
): Promise<{ values: SecretValueEntry[]; missing: string[]; refused: { id: string; code: string }[] }> {
  const batch = await sm().send(new BatchGetSecretValueCommand({ SecretIdList: ids }), signal ? { abortSignal: signal } : {});
  const missing = (batch.Errors ?? [])
    .filter((e) => e.ErrorCode === 'ResourceNotFoundException' || e.ErrorCode === 'InvalidRequestException')
    .map((e) => e.SecretId ?? '');
  const failed = (batch.Errors ?? []).filter((e) => !missing.includes(e.SecretId ?? ''));
  const transient = failed.filter((e) => /Throttl|InternalService|ServiceUnavailable|RequestLimit/i.test(e.ErrorCode ?? ''));
  if (transient.length > 0) throw new Error(`BatchGetSecretValue failed for ${transient.length} secret(s): ${transient[0]!.ErrorCode ?? 'unknown'}`);
  return { values: batch.SecretValues ?? [], missing, refused: failed.map((e) => ({ id: e.SecretId ?? '', code: e.ErrorCode ?? 'unknown error' })) };
}

async function build(serverId: string, s: ServerState): Promise<ServerIndex> {
  const users = new Map<string, IndexedUser>();
  const inFlight = new Set<Promise<void>>();
  /** Secret names by id (the ARN), to name a user whose value AWS refused. */
  const names = new Map<string, string>();
  const flush = async (ids: string[], changed: Map<string, string | null>) => {
    const { values, refused } = await readValues(ids);
    for (const { id, code } of refused) {
      const username = usernameOf(names.get(id) ?? id, serverId);
      if (username) users.set(username, unreadableUser(username, code, changed.get(id) ?? null));
    }
    for (const value of values) {
      const username = usernameOf(value.Name, serverId);
      if (username)
        users.set(
          username,
          indexedUser(
            username,
            value.SecretString,
            changed.get(value.ARN ?? '') ?? changed.get(value.Name ?? '') ?? value.CreatedDate?.toISOString() ?? null,
          ),
        );
    }
    s.progress = users.size;
  };
  s.progress = 0;
  let ids: string[] = [];
  let changed = new Map<string, string | null>();
  const submit = async () => {
    if (ids.length === 0) return;
    const job = flush(ids, changed).finally(() => inFlight.delete(job));
    inFlight.add(job);
    ids = [];
    changed = new Map();
    if (inFlight.size >= PARALLEL_BATCHES) await Promise.race(inFlight);
  };
  for await (const page of paginateListSecrets(
    { client: sm(), pageSize: 100 },
    { Filters: [{ Key: 'name', Values: [`${secretPrefix()}${serverId}/`] }] },
  )) {
    for (const entry of page.SecretList ?? []) {
      if (!usernameOf(entry.Name, serverId)) continue;
      const id = entry.ARN ?? entry.Name!;
      names.set(id, entry.Name!);
      ids.push(id);
      changed.set(id, entry.LastChangedDate?.toISOString() ?? null);
      if (ids.length === BATCH) await submit();
    }
  }
  await submit();
  await Promise.all(inFlight);
  return { users, builtAt: Date.now() };
}

function startBuild(serverId: string, s: ServerState): Promise<ServerIndex> {
  if (s.building) return s.building;
  s.changedDuringBuild.clear();
  const building = build(serverId, s)
    .then((index) => {
      // Users this console changed during the build are re-read on the next read of the index,
      // so a value the build read before the write landed never sticks.
      for (const name of s.changedDuringBuild) s.changed.add(name);
      s.changedDuringBuild.clear();
      s.index = index;
      s.lastError = null;
      return index;
    })
    .catch((err: unknown) => {
      s.lastError = err instanceof Error ? err.name : 'UnknownError';
      console.error(JSON.stringify({ level: 'error', event: 'user-index-build-failed', serverId, error: s.lastError }));
      throw err;
    })
    .finally(() => {
      s.building = null;
    });
  // A background build's failure is logged above; whoever awaits it sees the error too.
  building.catch(() => undefined);
  s.building = building;
  return building;
}

/** Re-reads the users this console changed. Aborted (`signal`) or failed, they stay marked for the next read. */
async function applyChanges(serverId: string, s: ServerState, index: ServerIndex, signal?: AbortSignal): Promise<void> {
  if (s.changed.size === 0) return;
  signal?.throwIfAborted();
  const names = [...s.changed];
  s.changed.clear();
  try {
    for (let i = 0; i < names.length; i += BATCH) {
      const slice = names.slice(i, i + BATCH);
      const { values, missing, refused } = await readValues(
        slice.map((name) => `${secretPrefix()}${serverId}/${name}`),
        signal,
      );
      for (const { id, code } of refused) {
        const username = usernameOf(id, serverId);
        if (username) index.users.set(username, unreadableUser(username, code, index.users.get(username)?.lastChangedAt ?? null));
      }
      for (const value of values) {
        const username = usernameOf(value.Name, serverId);
        if (username) index.users.set(username, indexedUser(username, value.SecretString, value.CreatedDate?.toISOString() ?? null));
      }
      for (const id of missing) {
        const username = usernameOf(id, serverId);
        if (username) index.users.delete(username);
      }
    }
  } catch (err) {
    for (const name of names) s.changed.add(name);
    throw err;
  }
}

/**
 * Re-reads users this console changed. A failure is logged and the users stay marked, so the next
 * read tries again; meanwhile their rows are as before the change (a users page re-reads the rows
 * it shows anyway), and the page or preview asking is not failed for it.
 */
async function refreshChanged(serverId: string, s: ServerState, index: ServerIndex, signal?: AbortSignal): Promise<void> {
  try {
    await applyChanges(serverId, s, index, signal);
  } catch (err) {
    // The caller gave up (a live preview replaced by a newer one): not a failure, and it stops here.
    if (signal?.aborted) throw signal.reason;
    console.error(
      JSON.stringify({ level: 'error', event: 'user-index-refresh-failed', serverId, error: err instanceof Error ? err.name : 'UnknownError' }),
    );
  }
}

export type IndexStatus =
  { ready: true; index: ServerIndex; ageMs: number } | { ready: false; building: boolean; progress: number; lastError: string | null };

/**
 * The server's index if one is built (refreshing it in the background when older than its
 * lifetime, and re-reading users this console changed), else `ready: false` after waiting at most
 * `waitMs` for a build that this call starts if none runs.
 */
export async function userIndex(serverId: string, options: { waitMs?: number; signal?: AbortSignal } = {}): Promise<IndexStatus> {
  // A build is shared by every reader and outlives the request that started it; only this
  // caller's own re-read of changed users is abortable.
  options.signal?.throwIfAborted();
  const s = state(serverId);
  if (!s.index) {
    const building = startBuild(serverId, s);
    const waitMs = options.waitMs ?? 0;
    if (waitMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([building.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
      clearTimeout(timer);
    }
    if (!s.index) return { ready: false, building: s.building !== null, progress: s.progress, lastError: s.lastError };
  }
  const index = s.index;
  if (Date.now() - index.builtAt > INDEX_LIFETIME_MS) void startBuild(serverId, s).catch(() => undefined);
  await refreshChanged(serverId, s, index, options.signal);
  return { ready: true, index, ageMs: Date.now() - index.builtAt };
}

/**
 * Rebuilds the index now (an admin asked for a recount after changes made outside the console),
 * waiting at most `waitMs`; until the build finishes the current index (if any) is served.
 */
export async function refreshUserIndex(serverId: string, options: { waitMs?: number } = {}): Promise<IndexStatus> {
  const s = state(serverId);
  const building = startBuild(serverId, s);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([building.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, options.waitMs ?? 0)))]);
  clearTimeout(timer);
  return userIndex(serverId);
}

/** The index, waiting for a build to finish (bench, tests and the UID counter's first setup). */
export async function builtUserIndex(serverId: string): Promise<ServerIndex> {
  const s = state(serverId);
  const index = s.index ?? (await startBuild(serverId, s));
  await applyChanges(serverId, s, index);
  return index;
}

/** A write by this console changed (or created, or deleted) the user: re-read it on the next use. */
export function noteUserChanged(serverId: string, username: string): void {
  const s = state(serverId);
  s.changed.add(username);
  if (s.building) s.changedDuringBuild.add(username);
}

/** Updates rows the caller has just read from Secrets Manager (a users page re-reads its rows). */
export function rememberUsers(serverId: string, rows: IndexedUser[], removed: string[] = []): void {
  const index = states.get(serverId)?.index;
  if (!index) return;
  for (const row of rows) index.users.set(row.username, row);
  for (const name of removed) index.users.delete(name);
}

/** Forgets every index (tests and the bench, to measure a cold start). */
export function resetUserIndexes(): void {
  states.clear();
}
