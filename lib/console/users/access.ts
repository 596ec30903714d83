// Whether a user can log in at all: disable/enable, delete with a recovery window, restore.
import 'server-only';
import { DeleteSecretCommand, RestoreSecretCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-secrets-manager';
import type { Actor } from '../../auth/roles';
import { recordAudit } from '../audit';
import { ConsoleError, NotFoundError } from '../errors';
import { noteUserChanged } from '../user-index';
import { patchUser } from './compare-and-swap';
import { assertUsername, requireManageableServer, sm, TAG_PENDING_DELETION, userSecretId } from './shared';

/** Returns the version it wrote, so an open edit form follows it instead of seeing a conflict. */
export async function setUserDisabled(serverId: string, username: string, disabled: boolean, actor: Actor, options: { reason?: string } = {}): Promise<string> {
  const versionId = await patchUser(serverId, username, (secret) => {
    if (disabled) secret.Disabled = typeof secret.Disabled === 'boolean' ? true : 'true';
    else delete secret.Disabled;
  });
  await recordAudit(actor, disabled ? 'user.disable' : 'user.enable', serverId, username, options.reason ? { reason: options.reason } : undefined);
  return versionId;
}

export async function deleteUser(serverId: string, username: string, recoveryWindowInDays: number, actor: Actor): Promise<{ deletionDate: string | null }> {
  await requireManageableServer(serverId);
  assertUsername(username);
  if (!Number.isInteger(recoveryWindowInDays) || recoveryWindowInDays < 7 || recoveryWindowInDays > 30) {
    throw new ConsoleError('The recovery window is 7 to 30 days.', { recoveryWindowInDays: ['Choose 7 to 30 days'] });
  }
  const SecretId = userSecretId(serverId, username);
  try {
    // Tagged first, so the console can list it while it can still be restored.
    await sm().send(new TagResourceCommand({ SecretId, Tags: [{ Key: TAG_PENDING_DELETION, Value: 'true' }] }));
    const deleted = await sm().send(new DeleteSecretCommand({ SecretId, RecoveryWindowInDays: recoveryWindowInDays }));
    noteUserChanged(serverId, username); // the user index drops it on its next use
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
  const SecretId = userSecretId(serverId, username);
  try {
    await sm().send(new RestoreSecretCommand({ SecretId }));
    noteUserChanged(serverId, username); // the user index reads it back on its next use
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceNotFoundException') throw new NotFoundError(`User ${username}`);
    throw err;
  }
  await sm().send(new UntagResourceCommand({ SecretId, TagKeys: [TAG_PENDING_DELETION] })).catch(() => undefined);
  await recordAudit(actor, 'user.restore', serverId, username);
}
