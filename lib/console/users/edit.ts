// An admin's edit of a user: only the fields the admin changed are written, onto the stored object
// (key order, representation and unknown keys kept), and only over the version the admin opened.
import 'server-only';
import type { Actor } from '../../auth/roles';
import {
  PROTOCOLS,
  serializeUserSecret,
  storedSecretToInput,
  summarizeStoredSecret,
  type StoredUserSecret,
  type UserSecretInput,
} from '../../secret/contract';
import { auditNotice, recordAudit } from '../audit';
import { auditChanges } from '../audit-changes';
import { ConsoleError, OutcomeUnknownError, StaleVersionError } from '../errors';
import { formHomeDirectory, formMappings, validateUserForm, type GeneratedPasswords, type UserFormInput } from '../user-form';
import { tagUid, writeIfCurrent } from './compare-and-swap';
import { passwordsFor } from './passwords';
import { inputToForm } from './read';
import { readCurrent, requireManageableServer } from './shared';

/** The parts of a user the form edits, each written as a unit. */
export type FormPart =
  'password' | 'protocolPasswords' | 'publicKeys' | 'role' | 'posixProfile' | 'home' | 'acceptedIpNetwork' | 'expiresAt' | 'policy' | 'disabled';

const list = (text: string, separator: RegExp) =>
  text
    .split(separator)
    .map((item) => item.trim())
    .filter(Boolean);

function minuteOf(iso: string): number | null {
  if (iso.trim() === '') return null;
  const time = new Date(iso).getTime();
  return Number.isNaN(time) ? NaN : Math.floor(time / 60_000);
}

function homeOf(form: UserFormInput): string {
  if (form.homeMode === 'path') return JSON.stringify(['path', formHomeDirectory(form)]);
  if (form.homeMode === 'root' && form.rootLocation.trim() === '' && form.rootPath.trim() === '') return JSON.stringify(['none']);
  return JSON.stringify(['logical', formMappings(form)]);
}

/** Which parts of the form differ from the form as it was opened from the stored secret. */
export function changedParts(opened: UserFormInput, submitted: UserFormInput): Set<FormPart> {
  const changed = new Set<FormPart>();
  if (submitted.password.mode !== opened.password.mode || submitted.password.mode === 'generate') changed.add('password');
  if (PROTOCOLS.some((p) => submitted.protocolPasswords[p])) changed.add('protocolPasswords');
  if (list(submitted.publicKeys, /\n/).join('\n') !== list(opened.publicKeys, /\n/).join('\n')) changed.add('publicKeys');
  if (submitted.role.trim() !== opened.role.trim()) changed.add('role');
  const posix = (f: UserFormInput) => JSON.stringify([String(f.uid).trim(), String(f.gid).trim(), list(f.secondaryGids, /[\n,]/)]);
  if (posix(submitted) !== posix(opened)) changed.add('posixProfile');
  if (homeOf(submitted) !== homeOf(opened)) changed.add('home');
  if (list(submitted.acceptedIpNetwork, /[\n,]/).join(',') !== list(opened.acceptedIpNetwork, /[\n,]/).join(',')) changed.add('acceptedIpNetwork');
  if (minuteOf(submitted.expiresAt) !== minuteOf(opened.expiresAt) || Number.isNaN(minuteOf(submitted.expiresAt))) changed.add('expiresAt');
  if (submitted.policy.trim() !== opened.policy.trim()) changed.add('policy');
  if (submitted.disabled !== opened.disabled) changed.add('disabled');
  return changed;
}

const PART_KEYS: Readonly<Record<Exclude<FormPart, 'password' | 'protocolPasswords'>, readonly string[]>> = {
  publicKeys: ['PublicKey'],
  role: ['Role'],
  posixProfile: ['PosixProfile'],
  home: ['HomeDirectoryDetails', 'HomeDirectory'],
  acceptedIpNetwork: ['AcceptedIpNetwork'],
  expiresAt: ['ExpiresAt'],
  policy: ['Policy'],
  disabled: ['Disabled'],
};

/** A new value in the representation the stored one used (JSON string or object, list or comma string). */
function inStoredShape(key: string, before: unknown, after: unknown): unknown {
  if (typeof after !== 'string' || before === undefined || typeof before === 'string') return after;
  if (typeof before === 'boolean') return after === 'true';
  if (Array.isArray(before) && (key === 'PublicKey' || key === 'AcceptedIpNetwork')) return after.split(',');
  if (typeof before === 'object' && before !== null) {
    try {
      return JSON.parse(after) as unknown;
    } catch {
      return after;
    }
  }
  return after;
}

/**
 * The stored object with only the changed parts replaced: existing keys keep their place, new keys
 * go last, keys the contract does not know and every untouched password stay exactly as stored.
 */
export function applyChanges(
  existing: StoredUserSecret,
  input: UserSecretInput,
  parts: ReadonlySet<FormPart>,
  form: UserFormInput,
): Record<string, unknown> {
  const serialized = JSON.parse(serializeUserSecret(input)) as Record<string, string>;
  const next: Record<string, unknown> = { ...existing };
  const write = (key: string) => {
    if (Object.hasOwn(serialized, key)) next[key] = inStoredShape(key, existing[key], serialized[key]);
    else delete next[key];
  };
  for (const [part, keys] of Object.entries(PART_KEYS)) if (parts.has(part as FormPart)) keys.forEach(write);
  if (parts.has('home') && Object.hasOwn(existing, 'HomeDirectoryType')) next.HomeDirectoryType = form.homeMode === 'path' ? 'PATH' : 'LOGICAL';
  if (parts.has('password')) {
    write('PasswordHash');
    write('Password');
    // "No password" removes every password; only ones generated in this same save remain.
    if (form.password.mode === 'none')
      for (const p of PROTOCOLS) if (!form.protocolPasswords[p]) [`${p}PasswordHash`, `${p}Password`].forEach((key) => delete next[key]);
  }
  for (const p of PROTOCOLS) {
    if (!form.protocolPasswords[p]) continue;
    write(`${p}PasswordHash`);
    write(`${p}Password`);
  }
  return next;
}

/** Names of the keys whose value differs, never the values themselves. */
function changedKeys(before: StoredUserSecret, after: StoredUserSecret): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])).sort();
}

export type UpdateResult = {
  versionId: string;
  passwords: GeneratedPasswords;
  changed: boolean;
  /** 'unconfirmed': AWS did not confirm and reading back failed; the passwords are shown in case it landed. */
  outcome: 'saved' | 'unchanged' | 'unconfirmed';
  /** Sentences to show beside the result (a queued audit record, an unconfirmed save). */
  notices: string[];
};

export const UNCONFIRMED_SAVE =
  'AWS did not confirm this save and reading the user back failed, so it may or may not be stored. Any password shown is the new one if it was; reload the page to see what is stored before saving again.';

export async function updateUser(
  serverId: string,
  username: string,
  form: UserFormInput,
  expectedVersionId: string,
  actor: Actor,
): Promise<UpdateResult> {
  const server = await requireManageableServer(serverId);
  const current = await readCurrent(serverId, username);
  if (current.versionId !== expectedVersionId) throw new StaleVersionError();
  const opened = inputToForm(username, storedSecretToInput(current.secret), summarizeStoredSecret(current.secret));
  const parts = changedParts(opened, form);
  const unchanged: UpdateResult = { versionId: current.versionId, passwords: {}, changed: false, outcome: 'unchanged', notices: [] };
  if (parts.size === 0) return unchanged;
  const { shown, stored } = await passwordsFor(form, current.secret);
  const validated = validateUserForm(form, server.domain, stored);
  if (!validated.ok) throw new ConsoleError('Some fields need attention. Nothing was saved.', validated.fieldErrors);
  const next = applyChanges(current.secret, validated.input, parts, form);
  if (JSON.stringify(next) === JSON.stringify(current.secret)) return unchanged;
  let versionId: string;
  let outcome: UpdateResult['outcome'] = 'saved';
  try {
    versionId = await writeIfCurrent(serverId, username, JSON.stringify(next), expectedVersionId);
  } catch (err) {
    // A generated password that may be stored is never dropped: the admin sees it with the doubt stated.
    if (!(err instanceof OutcomeUnknownError) || Object.keys(shown).length === 0) throw err;
    versionId = expectedVersionId;
    outcome = 'unconfirmed';
  }
  if (outcome === 'saved' && parts.has('posixProfile')) await tagUid(serverId, username, validated.input.PosixProfile);
  const audit = await recordAudit(
    actor,
    'user.update',
    serverId,
    username,
    {
      changed: changedKeys(current.secret, next),
      ...(shown.main ? { passwordReset: true } : {}),
      ...(outcome === 'unconfirmed' ? { unconfirmed: true } : {}),
    },
    auditChanges(current.secret, next),
  );
  return {
    versionId,
    passwords: shown,
    changed: true,
    outcome,
    notices: [...(outcome === 'unconfirmed' ? [UNCONFIRMED_SAVE] : []), ...auditNotice(audit)],
  };
}
