// UIDs: which are in use (from the user index) and the next free one, reserved at save through a
// compare-and-swap on one small per-server secret, so two admins who opened Create user at the same
// moment never both save the suggested UID.
//
// The UID counter secret `<prefix>transfer-desk/uid-counter/<serverId>` holds {"next": N}: every UID
// at or above N is unreserved. It lies outside `<prefix><serverId>/`, so it is never a user, never
// listed with them and never read by the Lambda. Secrets Manager secrets are at most 64 KB, so the
// counter holds a high-water mark, not the set of UIDs in use (that is the index's job).
import 'server-only';
import { randomUUID } from 'node:crypto';
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { aws } from '../aws/clients';
import { ConsoleError } from './errors';
import { secretPrefix } from './servers';
import { builtUserIndex, userIndex } from './user-index';

/** UIDs from here up are the console's to hand out; 0–1999 are left to the system and to admins. */
export const FIRST_SUGGESTED_UID = 2000;
/** UIDs this high are treated as special (nobody, 4294967294…) and never raise the suggestion. */
const SPECIAL_UIDS = 4_000_000_000;
const COUNTER_STAGE = 'TRANSFERDESK_PENDING';
const sm = () => aws().secretsManager;

export const uidCounterSecretId = (serverId: string) => `${secretPrefix()}transfer-desk/uid-counter/${serverId}`;

type Counter = { next: number; versionId: string } | null;

async function readCounter(serverId: string): Promise<Counter> {
  try {
    const value = await sm().send(new GetSecretValueCommand({ SecretId: uidCounterSecretId(serverId) }));
    const parsed = JSON.parse(value.SecretString ?? '{}') as { next?: unknown };
    const next = typeof parsed.next === 'number' && Number.isInteger(parsed.next) && parsed.next >= 0 ? parsed.next : FIRST_SUGGESTED_UID;
    return { next, versionId: value.VersionId ?? '' };
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceNotFoundException') return null;
    throw err;
  }
}

function highestUsed(users: Iterable<{ uid: number | null }>): number {
  let max = FIRST_SUGGESTED_UID - 1;
  for (const user of users) if (user.uid !== null && user.uid < SPECIAL_UIDS && user.uid > max) max = user.uid;
  return max;
}

/** UIDs in use (by the index) and the next free UID to suggest: above every UID used or reserved. */
export async function uidUsage(
  serverId: string,
  options: { waitMs?: number } = {},
): Promise<{ nextUid: number; usedBy: Record<string, string[]>; complete: boolean }> {
  const [status, counter] = await Promise.all([userIndex(serverId, { waitMs: options.waitMs ?? 1_000 }), readCounter(serverId)]);
  // Keyed by decimal UIDs only; null prototype all the same, so no key can reach Object.prototype.
  const usedBy: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  let max = FIRST_SUGGESTED_UID - 1;
  if (status.ready) {
    for (const user of status.index.users.values()) if (user.uid !== null) (usedBy[String(user.uid)] ??= []).push(user.username);
    max = highestUsed(status.index.users.values());
  }
  for (const names of Object.values(usedBy)) names.sort();
  return { nextUid: Math.max(max + 1, counter?.next ?? 0), usedBy, complete: status.ready };
}

/** Moves the counter to `next` only if it is still at `versionId`; false when another save got there first. */
async function swapCounter(serverId: string, next: number, versionId: string): Promise<boolean> {
  const SecretId = uidCounterSecretId(serverId);
  const put = await sm().send(
    new PutSecretValueCommand({ SecretId, SecretString: JSON.stringify({ next }), ClientRequestToken: randomUUID(), VersionStages: [COUNTER_STAGE] }),
  );
  try {
    await sm().send(
      new UpdateSecretVersionStageCommand({ SecretId, VersionStage: 'AWSCURRENT', MoveToVersionId: put.VersionId, RemoveFromVersionId: versionId }),
    );
    return true;
  } catch (err) {
    if (err instanceof Error && err.name === 'InvalidParameterException') return false;
    throw err;
  }
}

/** The counter's first value: above every UID the index knows (one full build, once per server). */
async function createCounter(serverId: string): Promise<void> {
  const index = await builtUserIndex(serverId);
  try {
    await sm().send(
      new CreateSecretCommand({
        Name: uidCounterSecretId(serverId),
        SecretString: JSON.stringify({ next: highestUsed(index.users.values()) + 1 }),
        ClientRequestToken: randomUUID(),
        Description: `The next free POSIX UID of ${serverId}'s users, kept by Transfer Desk (not a user)`,
        Tags: [{ Key: 'transfer-desk:managed', Value: 'true' }],
      }),
    );
  } catch (err) {
    if (!(err instanceof Error && err.name === 'ResourceExistsException')) throw err;
  }
}

/**
 * Reserves `uid` for a user about to be created. A UID at or above the counter raises it (compare-
 * and-swap, retried when another save moved it first). A UID below it was handed out already: when
 * the form submitted the console's own suggestion unchanged (`suggested`), another save took it since
 * the form opened, and the create is refused before anything is written, naming the next free UID.
 * A UID the admin typed is their explicit choice (the preview names any user sharing it).
 */
export async function reserveUid(serverId: string, uid: number, options: { suggested: boolean }): Promise<void> {
  if (uid >= SPECIAL_UIDS) return;
  for (let attempt = 0; attempt < 8; attempt++) {
    const counter = await readCounter(serverId);
    if (!counter) {
      await createCounter(serverId);
      continue;
    }
    if (uid < counter.next) {
      if (!options.suggested) return;
      throw new ConsoleError(`UID ${uid} was given to another user after this form was opened. Nothing was saved.`, {
        uid: [
          `UID ${uid} is no longer free: ${counter.next} is the next free UID. Enter it; to share UID ${uid} on purpose, set it on the user’s page after creating it.`,
        ],
      });
    }
    if (await swapCounter(serverId, uid + 1, counter.versionId)) return;
  }
  throw new ConsoleError('Other admins are creating users on this server right now, so no UID could be reserved. Nothing was saved; try again.');
}
