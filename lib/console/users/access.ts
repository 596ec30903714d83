// Whether a user can log in at all: disable/enable, delete with a recovery window, restore.
import 'server-only';
import { DeleteSecretCommand, RestoreSecretCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-secrets-manager';
import type { Actor } from '../../auth/roles';
import { auditNotice, recordAudit } from '../audit';
import { auditChanges } from '../audit-changes';
import type { StoredUserSecret } from '../../secret/contract';
import { ConsoleError, errorName, NotFoundError } from '../errors';
import { noteUserChanged } from '../user-index';
import { mayHaveLanded, readBack, withRetries } from './read-back';
import { patchUser } from './compare-and-swap';
import { assertUsername, requireManageableServer, sm, TAG_PENDING_DELETION, userSecretId } from './shared';

/** Returns the version it wrote, so an open edit form follows it instead of seeing a conflict. */
export async function setUserDisabled(
  serverId: string,
  username: string,
  disabled: boolean,
  actor: Actor,
  options: { reason?: string } = {},
): Promise<string> {
  return (await changeUserDisabled(serverId, username, disabled, actor, options)).versionId;
}

/** setUserDisabled with the notices to show beside its result (a queued audit record). */
export async function changeUserDisabled(
  serverId: string,
  username: string,
  disabled: boolean,
  actor: Actor,
  options: { reason?: string } = {},
): Promise<{ versionId: string; notices: string[] }> {
  let before: StoredUserSecret | null = null;
  let after: StoredUserSecret | null = null;
  const versionId = await patchUser(serverId, username, (secret) => {
    before = { ...secret };
    if (disabled) secret.Disabled = typeof secret.Disabled === 'boolean' ? true : 'true';
    else delete secret.Disabled;
    after = secret;
  });
  const audit = await recordAudit(
    actor,
    disabled ? 'user.disable' : 'user.enable',
    serverId,
    username,
    options.reason ? { reason: options.reason } : undefined,
    before && after ? auditChanges(before, after) : undefined,
  );
  return { versionId, notices: auditNotice(audit) };
}

export async function deleteUser(
  serverId: string,
  username: string,
  recoveryWindowInDays: number,
  actor: Actor,
): Promise<{ deletionDate: string | null; notices: string[] }> {
  await requireManageableServer(serverId);
  assertUsername(username);
  if (!Number.isInteger(recoveryWindowInDays) || recoveryWindowInDays < 7 || recoveryWindowInDays > 30) {
    throw new ConsoleError('The recovery window is 7 to 30 days.', { recoveryWindowInDays: ['Choose 7 to 30 days'] });
  }
  const SecretId = userSecretId(serverId, username);
  const what = `the deletion of ${username}`;
  // Tagged first, so the console can list it while it can still be restored. A tag on a secret
  // already deleted is refused, which is how "already deleted" is told from our own deletion.
  try {
    await sm().send(new TagResourceCommand({ SecretId, Tags: [{ Key: TAG_PENDING_DELETION, Value: 'true' }] }));
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') throw new NotFoundError(`User ${username}`);
    if (errorName(err) === 'InvalidRequestException') throw new ConsoleError(`${username} is already deleted.`);
    if (mayHaveLanded(err)) await removePendingTag(SecretId);
    throw err;
  }
  let deletionDate: string | null;
  try {
    const deleted = await sm().send(new DeleteSecretCommand({ SecretId, RecoveryWindowInDays: recoveryWindowInDays }));
    deletionDate = deleted.DeletionDate?.toISOString() ?? null;
  } catch (err) {
    // The SDK's retry of a delete AWS applied is told "already scheduled": read back whose it was.
    const stored = await readBack(SecretId, what);
    if (!stored.exists) throw new NotFoundError(`User ${username}`);
    if (!stored.deleted) {
      await removePendingTag(SecretId);
      throw err;
    }
    deletionDate = stored.deletionDate;
  }
  noteUserChanged(serverId, username); // the user index drops it on its next use
  const audit = await recordAudit(actor, 'user.delete', serverId, username, { recoveryWindowInDays });
  return { deletionDate, notices: auditNotice(audit) };
}

export async function restoreUser(serverId: string, username: string, actor: Actor): Promise<{ notices: string[] }> {
  await requireManageableServer(serverId);
  assertUsername(username);
  const SecretId = userSecretId(serverId, username);
  try {
    await sm().send(new RestoreSecretCommand({ SecretId }));
    noteUserChanged(serverId, username); // the user index reads it back on its next use
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') throw new NotFoundError(`User ${username}`);
    if (!mayHaveLanded(err)) throw err;
    const stored = await readBack(SecretId, `the restore of ${username}`);
    if (!stored.exists) throw new NotFoundError(`User ${username}`);
    if (stored.deleted) throw err;
  }
  noteUserChanged(serverId, username); // the user index reads it back on its next use
  const untagged = await removePendingTag(SecretId);
  const audit = await recordAudit(actor, 'user.restore', serverId, username);
  return {
    notices: [
      ...(untagged ? [] : [`${username} is restored, but its pending-deletion tag could not be removed yet; restoring it again removes it.`]),
      ...auditNotice(audit),
    ],
  };
}

/** Takes the pending-deletion tag off a live secret, with retries; whether it is gone. */
async function removePendingTag(SecretId: string): Promise<boolean> {
  try {
    await withRetries(() => sm().send(new UntagResourceCommand({ SecretId, TagKeys: [TAG_PENDING_DELETION] })), {
      definite: (err) => errorName(err) === 'ResourceNotFoundException' || errorName(err) === 'InvalidRequestException',
    });
    return true;
  } catch (err) {
    console.error(JSON.stringify({ level: 'error', event: 'pending-tag-cleanup-failed', error: errorName(err) }));
    return false;
  }
}
