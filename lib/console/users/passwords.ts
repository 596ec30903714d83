// Generated passwords: what a form asks for on save, and the help desk's reset.
import 'server-only';
import { PROTOCOLS, summarizeStoredSecret, type StoredUserSecret, type UserSecretInput } from '../../secret/contract';
import { generatePassword } from '../../secret/password';
import { hashUserPassword } from '../argon2';
import type { Actor } from '../../auth/roles';
import { auditNotice, recordAudit } from '../audit';
import type { GeneratedPasswords, UserFormInput } from '../user-form';
import { patchUser } from './compare-and-swap';
import { ConsoleError, OutcomeUnknownError } from '../errors';
import { KEPT_PASSWORD_PLACEHOLDER } from './shared';

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
    else stored.PasswordHash = await hashUserPassword(shown.main);
  } else if (keepExisting) {
    stored.PasswordHash = KEPT_PASSWORD_PLACEHOLDER;
  }
  for (const protocol of PROTOCOLS) {
    if (!form.protocolPasswords[protocol]) continue;
    const value = generatePassword();
    shown[protocol] = value;
    stored.ProtocolOverrides = {
      ...stored.ProtocolOverrides,
      [protocol]: legacy ? { Password: value } : { PasswordHash: await hashUserPassword(value) },
    };
  }
  return { shown, stored, keepExisting };
}

/** A password slot the help desk can reset: the main one, or one protocol's own. */
export const RESETTABLE_PASSWORDS = ['main', ...PROTOCOLS] as const;
export type PasswordSlot = (typeof RESETTABLE_PASSWORDS)[number];
export type ExistingPassword = { slot: PasswordSlot; kind: 'hash' | 'plaintext' };

const slotKeys = (slot: PasswordSlot) =>
  slot === 'main' ? { hash: 'PasswordHash', plain: 'Password' } : { hash: `${slot}PasswordHash`, plain: `${slot}Password` };
const filled = (value: unknown) => typeof value === 'string' && value !== '';

/** The passwords a user has, each with how it is stored; never their values. */
export function existingPasswords(secret: StoredUserSecret): ExistingPassword[] {
  return RESETTABLE_PASSWORDS.flatMap((slot): ExistingPassword[] => {
    const keys = slotKeys(slot);
    if (filled(secret[keys.hash])) return [{ slot, kind: 'hash' }];
    if (filled(secret[keys.plain])) return [{ slot, kind: 'plaintext' }];
    return [];
  });
}

export const slotLabel = (slot: PasswordSlot) => (slot === 'main' ? 'password' : `${slot} password`);

/**
 * New generated passwords, shown once, for the chosen passwords the user already has (each
 * protocol's own when chosen). A reset never gives a user a way in it did not have: a keys-only
 * user is refused. Each password keeps its kind: a hash stays a hash, and a legacy plaintext
 * password stays plaintext, because the console cannot tell whether the server runs this project's
 * Lambda or AWS's sample, which reads plaintext only.
 */
export async function resetPassword(
  serverId: string,
  username: string,
  actor: Actor,
  options: { passwords?: readonly PasswordSlot[]; reason?: string } = {},
): Promise<{
  password: string;
  passwords: Partial<Record<PasswordSlot, string>>;
  kinds: ExistingPassword[];
  message: string;
  versionId: string;
  outcome: 'saved' | 'unconfirmed';
  notices: string[];
}> {
  const shown = new Map<PasswordSlot, string>();
  const hashes = new Map<PasswordSlot, string>();
  let reset: ExistingPassword[] = [];
  let outcome = 'saved' as 'saved' | 'unconfirmed';
  const versionId = await patchUser(
    serverId,
    username,
    (secret) => {
      for (const { slot, kind } of reset) {
        const keys = slotKeys(slot);
        // The other kind's key of the same slot is stale either way; the slot keeps one password.
        if (kind === 'plaintext') {
          secret[keys.plain] = shown.get(slot)!;
          delete secret[keys.hash];
        } else {
          secret[keys.hash] = hashes.get(slot)!;
          delete secret[keys.plain];
        }
      }
    },
    async (secret) => {
      const existing = existingPasswords(secret);
      if (existing.length === 0) {
        throw new ConsoleError(
          `${username} signs in with SSH keys only, so there is no password to reset. Nothing was changed. An admin can add a password by editing the user.`,
        );
      }
      const wanted = options.passwords?.length ? [...new Set(options.passwords)] : existing.length === 1 ? [existing[0]!.slot] : [];
      if (wanted.length === 0) {
        throw new ConsoleError(`${username} has ${existing.length} passwords; choose which to reset. Nothing was changed.`, {
          passwords: ['Choose at least one password to reset'],
        });
      }
      const missing = wanted.filter((slot) => !existing.some((e) => e.slot === slot));
      if (missing.length > 0) {
        throw new ConsoleError(`${username} has no ${missing.map(slotLabel).join(' or ')}, so it cannot be reset. Nothing was changed.`, {
          passwords: ['Choose only passwords the user has'],
        });
      }
      reset = existing.filter((e) => wanted.includes(e.slot));
      // Hashing is slow: once per slot, reused if another edit forces a retry.
      for (const { slot, kind } of reset) {
        if (!shown.has(slot)) shown.set(slot, generatePassword());
        if (kind === 'hash' && !hashes.has(slot)) hashes.set(slot, await hashUserPassword(shown.get(slot)!));
      }
    },
  ).catch((err: unknown) => {
    // The reset may be stored: its password is shown rather than lost, with the doubt stated.
    if (!(err instanceof OutcomeUnknownError) || reset.length === 0) throw err;
    outcome = 'unconfirmed';
    return '';
  });
  const audit = await recordAudit(actor, 'user.reset-password', serverId, username, {
    passwords: reset.map((r) => r.slot),
    passwordStorage: reset.map((r) => r.kind),
    ...(options.reason ? { reason: options.reason } : {}),
    ...(outcome === 'unconfirmed' ? { unconfirmed: true } : {}),
  });
  const passwords = Object.fromEntries(reset.map((r) => [r.slot, shown.get(r.slot)!])) as Partial<Record<PasswordSlot, string>>;
  const plaintext = reset.some((r) => r.kind === 'plaintext');
  return {
    password: passwords.main ?? Object.values(passwords)[0] ?? '',
    passwords,
    kinds: reset,
    versionId,
    outcome,
    notices: auditNotice(audit),
    message:
      (outcome === 'unconfirmed'
        ? `AWS did not confirm the reset of the ${reset.map((r) => slotLabel(r.slot)).join(' and ')} of ${username}, and reading it back failed, so it may or may not be stored. If it was, the new password is the one shown; check with Test login before resetting again.`
        : `The ${reset.map((r) => slotLabel(r.slot)).join(' and ')} of ${username} ${reset.length > 1 ? 'were' : 'was'} reset.`) +
      (plaintext
        ? ' It is stored in legacy plaintext like the one it replaced, because this server may run AWS’s sample Lambda, which cannot read hashes.'
        : '') +
      auditNotice(audit)
        .map((n) => ` ${n}`)
        .join(''),
  };
}
