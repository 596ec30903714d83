// A new user: one CreateSecret, or nothing at all.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { Actor } from '../../auth/roles';
import { serializeUserSecret, usernameSchema, type StoredUserSecret } from '../../secret/contract';
import { auditNotice, recordAudit } from '../audit';
import { auditChanges } from '../audit-changes';
import { ConsoleError, errorName, OutcomeUnknownError } from '../errors';
import { validateUserForm, type GeneratedPasswords, type UserFormInput } from '../user-form';
import { noteUserChanged } from '../user-index';
import { passwordsFor } from './passwords';
import { mayHaveLanded, readBack } from './read-back';
import { reserveUid } from './uid-usage';
import { requireManageableServer, sm, TAG_MANAGED, TAG_UID, userSecretId } from './shared';

/** Creates the user's secret, or fails without writing anything (name taken, pending deletion, invalid). */
export async function createUser(
  serverId: string,
  form: UserFormInput,
  actor: Actor,
  options: { suggestedUid?: string } = {},
): Promise<CreateResult> {
  const server = await requireManageableServer(serverId);
  if (form.password.mode === 'keep')
    throw new ConsoleError('A new user has no password to keep.', { password: ['Choose to generate a password, or no password with SSH keys'] });
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
  // The token is the first version's id: an SDK retry of a create AWS applied is answered as done,
  // and a read-back can tell this create from another one of the same name.
  const SecretId = userSecretId(serverId, username.data);
  const token = randomUUID();
  let outcome: CreateResult['outcome'] = 'created';
  try {
    await sm().send(
      new CreateSecretCommand({
        Name: SecretId,
        SecretString: serializeUserSecret(validated.input),
        ClientRequestToken: token,
        Description: `Transfer user ${username.data} of ${serverId}, managed by Transfer Desk`,
        Tags: [
          { Key: TAG_MANAGED, Value: 'true' },
          ...(validated.input.PosixProfile ? [{ Key: TAG_UID, Value: String(validated.input.PosixProfile.Uid) }] : []),
        ],
      }),
    );
  } catch (err) {
    outcome = await createdAfterAll(SecretId, token, username.data, err, Object.keys(shown).length > 0);
  } finally {
    noteUserChanged(serverId, username.data);
  }
  const audit = await recordAudit(
    actor,
    'user.create',
    serverId,
    username.data,
    {
      authMethods: [...(shown.main ? ['password'] : []), ...(validated.input.PublicKey?.length ? ['keys'] : [])],
      passwordStorage: form.password.storage,
      ...(outcome === 'unconfirmed' ? { unconfirmed: true } : {}),
    },
    auditChanges(null, JSON.parse(serializeUserSecret(validated.input)) as StoredUserSecret),
  );
  return {
    username: username.data,
    passwords: shown,
    outcome,
    notices: [...(outcome === 'unconfirmed' ? [UNCONFIRMED_CREATE] : []), ...auditNotice(audit)],
  };
}

export type CreateResult = { username: string; passwords: GeneratedPasswords; outcome: 'created' | 'unconfirmed'; notices: string[] };

export const UNCONFIRMED_CREATE =
  'AWS did not confirm the create and reading it back failed, so the user may or may not exist. If it does, its password is the one shown; reload the users list to check before creating it again.';

/**
 * Whether a create that failed was stored after all (our token is its version), or why not. With
 * a generated password and no answer even from the read-back, the doubt is reported, not a failure,
 * so the password is shown.
 */
async function createdAfterAll(
  SecretId: string,
  token: string,
  username: string,
  err: unknown,
  hasPassword: boolean,
): Promise<CreateResult['outcome']> {
  try {
    const stored = await readBack(SecretId, `the create of ${username}`);
    if (stored.exists && !stored.deleted && stored.versionIds.has(token)) return 'created';
  } catch (readErr) {
    if (readErr instanceof OutcomeUnknownError && hasPassword && mayHaveLanded(err)) return 'unconfirmed';
    if (mayHaveLanded(err)) throw readErr;
  }
  const name = errorName(err);
  if (name === 'ResourceExistsException') {
    throw new ConsoleError(`A user named ${username} already exists on this server. Nothing was saved.`, {
      username: ['This user name is taken on this server'],
    });
  }
  if (name === 'InvalidRequestException') {
    throw new ConsoleError(`${username} was deleted and is still in its recovery window. Restore it, or choose another name. Nothing was saved.`, {
      username: ['A deleted user with this name can still be restored'],
    });
  }
  throw err;
}
