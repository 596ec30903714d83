// A new user: one CreateSecret, or nothing at all.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { Actor } from '../../auth/roles';
import { serializeUserSecret, usernameSchema } from '../../secret/contract';
import { recordAudit } from '../audit';
import { ConsoleError } from '../errors';
import { validateUserForm, type GeneratedPasswords, type UserFormInput } from '../user-form';
import { noteUserChanged } from '../user-index';
import { passwordsFor } from './passwords';
import { reserveUid } from './uid-usage';
import { requireManageableServer, sm, TAG_MANAGED, TAG_UID, userSecretId } from './shared';

/** Creates the user's secret, or fails without writing anything (name taken, pending deletion, invalid). */
export async function createUser(
  serverId: string,
  form: UserFormInput,
  actor: Actor,
  options: { suggestedUid?: string } = {},
): Promise<{ username: string; passwords: GeneratedPasswords }> {
  const server = await requireManageableServer(serverId);
  if (form.password.mode === 'keep') throw new ConsoleError('A new user has no password to keep.', { password: ['Choose to generate a password, or no password with SSH keys'] });
  const { shown, stored } = await passwordsFor(form, null);
  const username = usernameSchema.safeParse(form.username);
  const validated = validateUserForm(form, server.domain, stored);
  // Every field's problems at once, so the admin fixes the form in one pass.
  if (!username.success || !validated.ok) {
    throw new ConsoleError('Some fields need attention. Nothing was saved.', {
      ...(validated.ok ? {} : validated.fieldErrors),
      ...(username.success ? {} : { username: username.error.issues.map((i) => i.message) }),
    });
  }
  // The UID is reserved before the write (see user-index-uids.ts); a reserved UID left unused by a
  // failed create is skipped, never handed out twice.
  if (validated.input.PosixProfile) {
    const uid = validated.input.PosixProfile.Uid;
    await reserveUid(serverId, uid, { suggested: options.suggestedUid !== undefined && options.suggestedUid.trim() === String(uid) });
  }
  try {
    await sm().send(
      new CreateSecretCommand({
        Name: userSecretId(serverId, username.data),
        SecretString: serializeUserSecret(validated.input),
        ClientRequestToken: randomUUID(),
        Description: `Transfer user ${username.data} of ${serverId}, managed by Transfer Desk`,
        Tags: [
          { Key: TAG_MANAGED, Value: 'true' },
          ...(validated.input.PosixProfile ? [{ Key: TAG_UID, Value: String(validated.input.PosixProfile.Uid) }] : []),
        ],
      }),
    );
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceExistsException') {
      throw new ConsoleError(`A user named ${username.data} already exists on this server. Nothing was saved.`, { username: ['This user name is taken on this server'] });
    }
    if (err instanceof Error && err.name === 'InvalidRequestException') {
      throw new ConsoleError(`${username.data} was deleted and is still in its recovery window. Restore it, or choose another name. Nothing was saved.`, {
        username: ['A deleted user with this name can still be restored'],
      });
    }
    throw err;
  } finally {
    noteUserChanged(serverId, username.data);
  }
  await recordAudit(actor, 'user.create', serverId, username.data, {
    authMethods: [...(shown.main ? ['password'] : []), ...(validated.input.PublicKey?.length ? ['keys'] : [])],
    passwordStorage: form.password.storage,
  });
  return { username: username.data, passwords: shown };
}
