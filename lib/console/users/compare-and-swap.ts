// Writes that never overwrite a change made since it was read.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { PutSecretValueCommand, TagResourceCommand, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import type { PosixProfile } from '../../secret/contract';
import { StaleVersionError } from '../errors';
import { noteUserChanged } from '../user-index';
import { dropPendingStage, mayHaveLanded, readBack } from './read-back';
import { PENDING_STAGE, readCurrent, requireManageableServer, sm, TAG_MANAGED, TAG_UID, userSecretId, type SecretsManagerSender } from './shared';

/**
 * Writes a new version only if AWSCURRENT is still `expectedVersionId`: the version is put under a
 * staging label of its own, then AWSCURRENT moves to it with RemoveFromVersionId as the condition.
 * If another edit got there first, the move fails and their change stays current.
 * A failure AWS may have applied first is settled by reading back (see read-back.ts): the version
 * id is our ClientRequestToken, so whether it landed and whether it is current can be told apart
 * from a real conflict. A version that did not become current loses its private stage.
 * `client`: a bulk job's own paced client (lib/console/bulk/client.ts); the shared one otherwise.
 */
export async function writeIfCurrent(
  serverId: string,
  username: string,
  secretString: string,
  expectedVersionId: string,
  client: SecretsManagerSender = sm(),
): Promise<string> {
  try {
    return await writeVersionIfCurrent(serverId, username, secretString, expectedVersionId, client);
  } finally {
    noteUserChanged(serverId, username); // whatever the outcome, the user index re-reads this user on its next use
  }
}

async function writeVersionIfCurrent(
  serverId: string,
  username: string,
  secretString: string,
  expectedVersionId: string,
  client: SecretsManagerSender,
): Promise<string> {
  const SecretId = userSecretId(serverId, username);
  const versionId = randomUUID();
  try {
    await client.send(
      new PutSecretValueCommand({ SecretId, SecretString: secretString, ClientRequestToken: versionId, VersionStages: [PENDING_STAGE] }),
    );
  } catch (err) {
    if (!mayHaveLanded(err)) throw err;
    const stored = await readBack(SecretId, `the change to ${username}`, client);
    if (!stored.exists || !stored.versionIds.has(versionId)) throw err;
  }
  try {
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: versionId,
        RemoveFromVersionId: expectedVersionId,
      }),
    );
  } catch (err) {
    const stored = await readBack(SecretId, `the change to ${username}`, client);
    if (stored.exists && stored.currentVersionId === versionId) return versionId;
    await dropPendingStage(SecretId, versionId, client);
    if (stored.exists && stored.currentVersionId !== expectedVersionId) throw new StaleVersionError();
    throw err;
  }
  return versionId;
}

export async function tagUid(serverId: string, username: string, profile: PosixProfile | undefined): Promise<void> {
  if (!profile) return;
  await sm()
    .send(
      new TagResourceCommand({
        SecretId: userSecretId(serverId, username),
        Tags: [
          { Key: TAG_UID, Value: String(profile.Uid) },
          { Key: TAG_MANAGED, Value: 'true' },
        ],
      }),
    )
    .catch(() => undefined); // The tag only speeds up UID suggestions; the secret is the truth.
}

/**
 * Re-reads and retries when another edit lands in between: these changes touch one field only.
 * `options.client` lets a bulk job (the plaintext upgrade) use its own paced, standard-retry client.
 */
export async function patchUser(
  serverId: string,
  username: string,
  patch: (secret: Record<string, unknown>) => void,
  prepare?: (secret: Readonly<Record<string, unknown>>, versionId: string) => Promise<void>,
  options: { client?: SecretsManagerSender } = {},
): Promise<string> {
  await requireManageableServer(serverId);
  const client = options.client ?? sm();
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await readCurrent(serverId, username, client);
    const next: Record<string, unknown> = { ...current.secret };
    await prepare?.(current.secret, current.versionId);
    patch(next);
    try {
      return await writeIfCurrent(serverId, username, JSON.stringify(next), current.versionId, client);
    } catch (err) {
      if (!(err instanceof StaleVersionError) || attempt === 2) throw err;
    }
  }
  throw new StaleVersionError();
}
