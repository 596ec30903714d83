// Generated passwords: what a form asks for on save, and the help desk's reset.
import 'server-only';
import { PROTOCOLS, summarizeStoredSecret, type StoredUserSecret, type UserSecretInput } from '../../secret/contract';
import { generatePassword, hashPassword } from '../../secret/password';
import type { Actor } from '../../auth/roles';
import { recordAudit } from '../audit';
import type { GeneratedPasswords, UserFormInput } from '../user-form';
import { patchUser } from './compare-and-swap';
import { KEPT_PASSWORD_PLACEHOLDER, PASSWORD_KEYS } from './shared';

/** Generates the passwords a form asks for, returning the values to show once and what to store. */
export async function passwordsFor(
  form: UserFormInput,
  existing: StoredUserSecret | null,
): Promise<{ shown: GeneratedPasswords; stored: Pick<UserSecretInput, 'Password' | 'PasswordHash' | 'ProtocolOverrides'>; keepExisting: boolean }> {
  const shown: GeneratedPasswords = {};
  const stored: Pick<UserSecretInput, 'Password' | 'PasswordHash' | 'ProtocolOverrides'> = {};
  const legacy = form.password.storage === 'plaintext';
  const keepExisting = form.password.mode === 'keep' && existing !== null && summarizeStoredSecret(existing).passwordMode !== 'none';
  if (form.password.mode === 'generate') {
    shown.main = generatePassword();
    if (legacy) stored.Password = shown.main;
    else stored.PasswordHash = await hashPassword(shown.main);
  } else if (keepExisting) {
    stored.PasswordHash = KEPT_PASSWORD_PLACEHOLDER;
  }
  for (const protocol of PROTOCOLS) {
    if (!form.protocolPasswords[protocol]) continue;
    const value = generatePassword();
    shown[protocol] = value;
    stored.ProtocolOverrides = { ...stored.ProtocolOverrides, [protocol]: legacy ? { Password: value } : { PasswordHash: await hashPassword(value) } };
  }
  return { shown, stored, keepExisting };
}

/**
 * A new generated password, shown once. It replaces every password of the user (per-protocol ones
 * too). A user stored in legacy plaintext stays in plaintext: that server may still run AWS's sample
 * Lambda, which cannot read hashes.
 */
export async function resetPassword(serverId: string, username: string, actor: Actor): Promise<{ password: string }> {
  const password = generatePassword();
  const hash = await hashPassword(password);
  let storage: 'hash' | 'plaintext' = 'hash';
  await patchUser(serverId, username, (secret) => {
    storage = summarizeStoredSecret(secret).passwordMode === 'plaintext' ? 'plaintext' : 'hash';
    for (const key of PASSWORD_KEYS) delete secret[key];
    if (storage === 'plaintext') secret.Password = password;
    else secret.PasswordHash = hash;
  });
  await recordAudit(actor, 'user.reset-password', serverId, username, { passwordStorage: storage });
  return { password };
}
