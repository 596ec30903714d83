// Plaintext passwords to argon2id, in place: each plaintext is read, its hash written and the
// plaintext removed in one compare-and-swap write per user, so the password stays the same and a
// change made meanwhile is never overwritten. Running it again continues where it stopped.
// It runs on the bulk jobs' client (bulk/client.ts: standard retries, not the shared clients' adaptive
// mode), paced: PutSecretValue and UpdateSecretVersionStage share one Secrets Manager quota of 50
// calls a second per account and region; each user takes one PutSecretValue and two
// UpdateSecretVersionStage (AWSCURRENT to the hashed version, then AWSPREVIOUS off the plaintext one).
import 'server-only';
import { UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { DescribeServerCommand } from '@aws-sdk/client-transfer';
import type { Actor } from '../../auth/roles';
import { aws } from '../../aws/clients';
import { auditBatcher } from '../audit';
import { ConsoleError, StaleVersionError } from '../errors';
import { patchUser } from '../users/compare-and-swap';
import { requireManageableServer, sm, userSecretId, type SecretsManagerSender } from '../users/shared';
import { hashUserPassword } from '../argon2';
import { JobFile, readJobFile } from './jobs';
import { plaintextSlots } from './posture';
import { readAllUsers } from './read-all';
import { pacedSecretsManager } from './client';
import { forEachBounded, rateLimiter, withBackoff } from './retry';

/** The tag lambda/template.yaml puts on this project's identity-provider function. */
export const IDP_FUNCTION_TAG = { key: 'transfer-desk:component', value: 'identity-provider' } as const;

export type IdentityProviderCheck = { functionArn: string | null; functionName: string | null; ours: boolean; reason: string };

/**
 * Whether the server's Lambda is this project's (which verifies argon2id hashes). AWS's sample
 * Lambda compares plaintext only: after an upgrade every password login through it would fail.
 * Recognised by name: `transfer-desk-idp`, a name CloudFormation derives from the template's
 * `IdentityProviderFunction`, or one listed in TRANSFER_DESK_IDP_FUNCTIONS (comma-separated).
 */
export function recogniseFunction(functionArn: string | null | undefined): IdentityProviderCheck {
  if (!functionArn) return { functionArn: null, functionName: null, ours: false, reason: 'The server names no Lambda function.' };
  const match = /:function:([^:]+)/.exec(functionArn);
  const functionName = match ? match[1]! : functionArn;
  const configured = (process.env.TRANSFER_DESK_IDP_FUNCTIONS ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const ours =
    configured.includes(functionName) || /^transfer-desk-idp(-|$)/.test(functionName) || /-IdentityProviderFunction-[A-Za-z0-9]+$/.test(functionName);
  return {
    functionArn,
    functionName,
    ours,
    reason: ours
      ? `The server's identity provider is ${functionName}, Transfer Desk's Lambda, which verifies argon2id hashes.`
      : `The server's identity provider is ${functionName}, which Transfer Desk does not recognise as its own Lambda. AWS's sample Lambda cannot read hashes: after the upgrade every password login would fail.`,
  };
}

export async function checkIdentityProvider(serverId: string): Promise<IdentityProviderCheck> {
  await requireManageableServer(serverId);
  const { Server } = await aws().transfer.send(new DescribeServerCommand({ ServerId: serverId }));
  return recogniseFunction(Server?.IdentityProviderDetails?.Function);
}

/** PutSecretValue + UpdateSecretVersionStage calls a second (their combined quota is 50); three per user. */
export const DEFAULT_WRITES_PER_SECOND = 45;
export const DEFAULT_UPGRADE_CONCURRENCY = 8;

export type UpgradeStatus = 'upgraded' | 'nothing-to-do' | 'failed';
export type UpgradeResult = { username: string; status: UpgradeStatus; slots: string[]; message?: string };
export type UpgradeJob = {
  serverId: string;
  actor: string;
  /** `interrupted`: read from the job's file after the process that ran it stopped (see jobs.ts). */
  state: 'running' | 'finished' | 'interrupted';
  startedAt: string;
  finishedAt: string | null;
  total: number;
  counts: Record<UpgradeStatus, number>;
  results: UpgradeResult[];
  /** Requests sent to Secrets Manager (every attempt), and how many of them were retries. */
  awsCalls: number;
  retries: number;
};

type UpgradeRecord = { job: UpgradeJob; done: Promise<UpgradeJob>; file: JobFile<UpgradeJob> };
const jobs: Map<string, UpgradeRecord> = ((globalThis as { __transferDeskUpgrades?: Map<string, UpgradeRecord> }).__transferDeskUpgrades ??= new Map<
  string,
  UpgradeRecord
>());

/**
 * Hashes each plaintext of one user and removes it, in one compare-and-swap write. Throttling and
 * server errors start the user again from a fresh read (the write is conditional, so never twice).
 */
export async function upgradeUser(
  serverId: string,
  username: string,
  client?: SecretsManagerSender,
): Promise<{ slots: string[]; retries: number; plaintextVersionKept: boolean }> {
  let slots: string[] = [];
  let hashes = new Map<string, string>();
  let replaced = '';
  const { retries } = await withBackoff(() =>
    patchUser(
      serverId,
      username,
      (next) => {
        for (const [plainKey, hash] of hashes) {
          const hashKey = `${plainKey}Hash`;
          // A hash already stored wins at login; the plaintext beside it is only removed.
          if (!(typeof next[hashKey] === 'string' && next[hashKey] !== '')) next[hashKey] = hash;
          delete next[plainKey];
        }
      },
      async (current, versionId) => {
        replaced = versionId;
        slots = plaintextSlots(current).map((s) => (s === 'main' ? 'Password' : `${s}Password`));
        if (slots.length === 0) throw new NothingToUpgrade();
        hashes = new Map();
        for (const key of slots) hashes.set(key, await hashUserPassword(current[key] as string));
      },
      { client },
    ),
  );
  const retired = await retirePlaintextVersion(serverId, username, replaced, client ?? sm());
  return { slots, retries: retries + retired.retries, plaintextVersionKept: !retired.done };
}

/**
 * The version the upgrade replaced still holds the plaintext, labelled AWSPREVIOUS: one
 * GetSecretValue (VersionStage AWSPREVIOUS) would read it. Removing the label leaves that version
 * with none, which AWS calls deprecated: it is no longer read by stage, and Secrets Manager may delete
 * it (it keeps at most 100 versions). Secrets Manager has no call that deletes one version at once.
 */
async function retirePlaintextVersion(
  serverId: string,
  username: string,
  versionId: string,
  client: SecretsManagerSender,
): Promise<{ done: boolean; retries: number }> {
  try {
    const { retries } = await withBackoff(() =>
      client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: userSecretId(serverId, username),
          VersionStage: 'AWSPREVIOUS',
          RemoveFromVersionId: versionId,
        }),
      ),
    );
    return { done: true, retries };
  } catch (err) {
    // Another write since moved AWSPREVIOUS on to a later version: the plaintext one has no label left.
    if (err instanceof Error && err.name === 'InvalidParameterException') return { done: true, retries: 0 };
    console.error(
      JSON.stringify({
        level: 'error',
        event: 'upgrade-previous-version-kept',
        serverId,
        username,
        error: err instanceof Error ? err.name : 'UnknownError',
      }),
    );
    return { done: false, retries: 0 };
  }
}

class NothingToUpgrade extends Error {
  override name = 'NothingToUpgrade';
}

export type UpgradeOptions = { override?: boolean; concurrency?: number; writesPerSecond?: number };

/** Starts the upgrade of one user or of every user with a plaintext password; refuses a server whose Lambda is not ours unless overridden. */
export async function startUpgrade(
  serverId: string,
  usernames: string[] | 'all',
  actor: Actor,
  options: UpgradeOptions = {},
): Promise<{ job: UpgradeJob; done: Promise<UpgradeJob> }> {
  const check = await checkIdentityProvider(serverId);
  if (!check.ours && !options.override)
    throw new ConsoleError(`${check.reason} Nothing was changed. Confirm the override only if the Lambda verifies argon2id hashes.`);
  const running = jobs.get(serverId);
  if (running?.job.state === 'running') return { job: running.job, done: running.done };
  // Another console process upgrading this server now: refused (each write is compare-and-swap, so a
  // second run would be safe, but it would report the other run's users as conflicts).
  const elsewhere = running ? null : await upgradeJob(serverId);
  if (elsewhere?.elsewhere)
    throw new ConsoleError(
      `Another console process is upgrading this server's passwords (started by ${elsewhere.job.actor} at ${elsewhere.job.startedAt}). Its progress shows on this page; start the upgrade again only if it stops. Nothing was changed.`,
    );
  const targets =
    usernames === 'all'
      ? (await readAllUsers(serverId)).filter((u) => u.secret && plaintextSlots(u.secret).length > 0).map((u) => u.username)
      : usernames;
  const job: UpgradeJob = {
    serverId,
    actor: actor.username,
    state: 'running',
    startedAt: new Date().toISOString(),
    finishedAt: null,
    total: targets.length,
    counts: { upgraded: 0, 'nothing-to-do': 0, failed: 0 },
    results: [],
    awsCalls: 0,
    retries: 0,
  };
  const writes = rateLimiter(options.writesPerSecond ?? DEFAULT_WRITES_PER_SECOND);
  const client = pacedSecretsManager({ PutSecretValueCommand: writes, UpdateSecretVersionStageCommand: writes }, (attempt) => {
    job.awsCalls++;
    if (attempt > 1) job.retries++;
  });
  // One user.upgrade-password record per user, written 100 to a PutLogEvents call as users finish.
  const audit = auditBatcher(actor);
  const entry = { job, done: Promise.resolve(job) } as Omit<UpgradeRecord, 'file'> as UpgradeRecord;
  entry.file = new JobFile(
    'upgrade',
    serverId,
    () => ({ ...job, counts: { ...job.counts }, results: [...job.results] }),
    () => jobs.get(serverId) === entry,
  );
  jobs.set(serverId, entry);
  await entry.file.flush();
  entry.file.startHeartbeat();
  entry.done = (async () => {
    try {
      await forEachBounded(targets, options.concurrency ?? DEFAULT_UPGRADE_CONCURRENCY, async (username) => {
        let result: UpgradeResult;
        try {
          const { slots, retries, plaintextVersionKept } = await upgradeUser(serverId, username, client);
          job.retries += retries;
          result = {
            username,
            status: 'upgraded',
            slots,
            ...(plaintextVersionKept
              ? {
                  message:
                    'Upgraded, but the previous version, which holds the plaintext, could not be unlabelled: remove its AWSPREVIOUS label in Secrets Manager.',
                }
              : {}),
          };
          audit.add({
            action: 'user.upgrade-password',
            serverId,
            username,
            details: { slots, override: Boolean(options.override && !check.ours) },
          });
        } catch (err) {
          if (err instanceof NothingToUpgrade) result = { username, status: 'nothing-to-do', slots: [], message: 'No plaintext password left.' };
          else if (err instanceof StaleVersionError)
            result = {
              username,
              status: 'failed',
              slots: [],
              message: 'Conflict: someone else kept changing this user during the upgrade; left as they made it. Run the upgrade again.',
            };
          else
            result = {
              username,
              status: 'failed',
              slots: [],
              message:
                err instanceof ConsoleError
                  ? err.message
                  : `Not upgraded (${err instanceof Error ? err.name : 'unknown error'}); its plaintext is unchanged. Run the upgrade again.`,
            };
        }
        job.results.push(result);
        job.counts[result.status]++;
        entry.file.changed();
      });
    } finally {
      await audit.close();
      job.state = 'finished';
      job.finishedAt = new Date().toISOString();
      entry.file.stopHeartbeat();
      await entry.file.flush();
    }
    return job;
  })();
  return { job: entry.job, done: entry.done };
}

export function upgradeStatus(serverId: string): UpgradeJob | null {
  const entry = jobs.get(serverId);
  return entry ? { ...entry.job, counts: { ...entry.job.counts }, results: [...entry.job.results] } : null;
}

/**
 * The server's last upgrade as this process knows it, else as its job file says (after a restart a
 * run that was going shows as interrupted with its counts; running it again continues, since users
 * already upgraded have nothing left to do). `persistError`: the file could not be written.
 */
export async function upgradeJob(serverId: string): Promise<{ job: UpgradeJob; elsewhere: boolean; persistError: string | null } | null> {
  const entry = jobs.get(serverId);
  if (entry) return { job: upgradeStatus(serverId)!, elsewhere: false, persistError: entry.file.lastError };
  const stored = await readJobFile<UpgradeJob>('upgrade', serverId);
  if (!stored || stored.job.serverId !== serverId) return null;
  return {
    job: { ...stored.job, state: stored.liveness === 'interrupted' ? 'interrupted' : stored.job.state },
    elsewhere: stored.liveness === 'running-elsewhere',
    persistError: null,
  };
}

/** Forgets the upgrades this process holds, as a restart would (tests). */
export function forgetUpgradesInMemory(): void {
  for (const entry of jobs.values()) entry.file.stopHeartbeat();
  jobs.clear();
}
