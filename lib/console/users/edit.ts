// An admin's edit of a user, saved only over the version the admin opened.
import 'server-only';
import type { Actor } from '../../auth/roles';
import { PROTOCOLS, serializeUserSecret, type Protocol, type StoredUserSecret, type UserSecretInput } from '../../secret/contract';
import { recordAudit } from '../audit';
import { ConsoleError, StaleVersionError } from '../errors';
import { validateUserForm, type GeneratedPasswords, type UserFormInput } from '../user-form';
import { tagUid, writeIfCurrent } from './compare-and-swap';
import { passwordsFor } from './passwords';
import { CONTRACT_KEYS, PASSWORD_KEYS, readCurrent, requireManageableServer } from './shared';

/**
 * The SecretString to store for an edit: the form's fields, the kept passwords copied as they are,
 * and any keys the contract does not know (added by hand) preserved.
 */
function mergedSecretString(input: UserSecretInput, existing: StoredUserSecret | null, keepPasswords: boolean, newProtocolPasswords: Protocol[]): string {
  const next = JSON.parse(serializeUserSecret(input)) as Record<string, unknown>;
  if (keepPasswords) {
    delete next.PasswordHash;
    delete next.Password;
  }
  if (existing) {
    for (const [key, value] of Object.entries(existing)) {
      const protocolPassword = PROTOCOLS.find((p) => key === `${p}Password` || key === `${p}PasswordHash`);
      if (PASSWORD_KEYS.has(key)) {
        const isMain = key === 'Password' || key === 'PasswordHash';
        if ((isMain && keepPasswords) || (protocolPassword && !newProtocolPasswords.includes(protocolPassword))) next[key] = value;
      } else if (!CONTRACT_KEYS.has(key)) {
        next[key] = value;
      }
    }
  }
  return JSON.stringify(next);
}

/** Names of the keys whose value differs, never the values themselves. */
function changedFields(before: StoredUserSecret, after: StoredUserSecret): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])).sort();
}

export async function updateUser(
  serverId: string,
  username: string,
  form: UserFormInput,
  expectedVersionId: string,
  actor: Actor,
): Promise<{ versionId: string; passwords: GeneratedPasswords }> {
  const server = await requireManageableServer(serverId);
  const current = await readCurrent(serverId, username);
  if (current.versionId !== expectedVersionId) throw new StaleVersionError();
  const { shown, stored, keepExisting } = await passwordsFor(form, current.secret);
  const validated = validateUserForm(form, server.domain, stored);
  if (!validated.ok) throw new ConsoleError('Some fields need attention. Nothing was saved.', validated.fieldErrors);
  const newProtocolPasswords = PROTOCOLS.filter((p) => form.protocolPasswords[p]);
  const secretString = mergedSecretString(validated.input, current.secret, keepExisting, newProtocolPasswords);
  const versionId = await writeIfCurrent(serverId, username, secretString, expectedVersionId);
  await tagUid(serverId, username, validated.input.PosixProfile);
  await recordAudit(actor, 'user.update', serverId, username, {
    changed: changedFields(current.secret, JSON.parse(secretString) as StoredUserSecret),
    ...(shown.main ? { passwordReset: true } : {}),
  });
  return { versionId, passwords: shown };
}
