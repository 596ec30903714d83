// The create/edit form's payload, and its translation to the secret contract. The form never
// writes JSON by hand: mappings, POSIX profile and lists are built here from plain fields.
import { z } from 'zod';
import { looksLikePrivateKey, PRIVATE_KEY_MESSAGE } from './browser-checks';
import { userFormFromValues } from './user-form-fields';
import { makeUserSecretInputSchema, PROTOCOLS, type HomeDirectoryMapping, type StorageDomain, type UserSecretInput } from '../secret/contract';

export const userFormSchema = z.object({
  username: z.string().default(''),
  password: z
    .object({
      mode: z.enum(['keep', 'generate', 'none'], { error: 'Choose what happens to the password' }),
      storage: z.enum(['hash', 'plaintext']).default('hash'),
    })
    .default({ mode: 'generate', storage: 'hash' }),
  protocolPasswords: z.partialRecord(z.enum(PROTOCOLS), z.boolean()).default({}),
  publicKeys: z.string().max(20_000, 'Paste at most 20,000 characters of keys').default(''),
  role: z.string().default(''),
  uid: z.union([z.string(), z.number()]).default(''),
  gid: z.union([z.string(), z.number()]).default(''),
  secondaryGids: z.string().default(''),
  homeMode: z.enum(['path', 'root', 'mappings'], { error: 'Choose a home directory type' }).default('root'),
  rootLocation: z.string().default(''),
  rootPath: z.string().default(''),
  mappings: z
    .array(z.object({ entry: z.string().default(''), location: z.string().default(''), path: z.string().default('') }))
    .max(50)
    .default([]),
  acceptedIpNetwork: z.string().default(''),
  expiresAt: z.string().default(''),
  policy: z.string().default(''),
  disabled: z.boolean().default(false),
});
export type UserFormInput = z.infer<typeof userFormSchema>;

/** The user form as named inputs post it (see user-form-fields.ts), read into the nested shape. */
export const userFormFieldsSchema = z.preprocess((raw) => userFormFromValues((raw ?? {}) as Record<string, string | string[]>), userFormSchema);

export type GeneratedPasswords = { main?: string } & Partial<Record<(typeof PROTOCOLS)[number], string>>;

function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter(Boolean);
}

function toNumber(value: string | number): number | undefined {
  if (typeof value === 'number') return value;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : NaN;
}

function joinTarget(location: string, path: string): string {
  const cleanPath = path.trim().replace(/\/+$/, '');
  const suffix = cleanPath === '' ? '' : cleanPath.startsWith('/') ? cleanPath : `/${cleanPath}`;
  return `/${location.trim().replace(/^\/+|\/+$/g, '')}${suffix}`;
}

/** A PATH home: the folder's full path, which the user sees as it is. */
export function formHomeDirectory(form: UserFormInput): string {
  return joinTarget(form.rootLocation, form.rootPath);
}

/** The mappings the form describes: one `/` mapping for a restricted root, or the builder's rows. */
export function formMappings(form: UserFormInput): HomeDirectoryMapping[] {
  if (form.homeMode !== 'mappings') return [{ Entry: '/', Target: joinTarget(form.rootLocation, form.rootPath) }];
  return form.mappings.map((row) => ({ Entry: row.entry.trim(), Target: joinTarget(row.location, row.path) }));
}

/**
 * The contract input for a form. Passwords are supplied by the caller (hashes or plaintext, or a
 * placeholder when an existing password is kept), never taken from the browser.
 */
export function formToSecretInput(
  form: UserFormInput,
  passwords: Pick<UserSecretInput, 'Password' | 'PasswordHash' | 'ProtocolOverrides'>,
): Record<string, unknown> {
  const uid = toNumber(form.uid);
  const gid = toNumber(form.gid);
  const secondary = splitList(form.secondaryGids).map((g) => toNumber(g));
  const keys = form.publicKeys
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const expires = form.expiresAt.trim();
  return {
    ...passwords,
    ...(keys.length ? { PublicKey: keys } : {}),
    Role: form.role.trim(),
    ...(uid !== undefined || gid !== undefined
      ? { PosixProfile: { Uid: uid, Gid: gid, ...(secondary.length ? { SecondaryGids: secondary } : {}) } }
      : {}),
    ...(form.homeMode === 'path' ? { HomeDirectory: formHomeDirectory(form) } : { HomeDirectoryDetails: formMappings(form) }),
    ...(form.acceptedIpNetwork.trim() ? { AcceptedIpNetwork: splitList(form.acceptedIpNetwork) } : {}),
    ...(expires ? { ExpiresAt: expires } : {}),
    ...(form.policy.trim() ? { Policy: form.policy.trim() } : {}),
    ...(form.disabled ? { Disabled: true } : {}),
  };
}

/** Where each contract field's errors show on the form. */
export function formFieldFor(contractPath: string, form: UserFormInput): string {
  const [head, index, leaf] = contractPath.split('.');
  switch (head) {
    case 'Role':
      return 'role';
    case 'PosixProfile':
      return index === 'Uid' ? 'uid' : index === 'Gid' ? 'gid' : index === 'SecondaryGids' ? 'secondaryGids' : 'uid';
    case 'HomeDirectoryDetails':
      if (form.homeMode !== 'mappings') return 'rootPath';
      if (index === undefined) return 'mappings';
      return leaf === 'Entry' ? `mappings.${index}.entry` : `mappings.${index}.path`;
    case 'HomeDirectory':
      return form.homeMode === 'mappings' ? 'mappings' : 'rootPath';
    case 'PublicKey':
      return 'publicKeys';
    case 'AcceptedIpNetwork':
      return 'acceptedIpNetwork';
    case 'ExpiresAt':
      return 'expiresAt';
    case 'Policy':
      return 'policy';
    case 'Password':
    case 'PasswordHash':
    case 'ProtocolOverrides':
      return 'passwordMode';
    default:
      return '_form';
  }
}

/** Validates a form against the contract; errors are keyed by the form's own field names. */
export function validateUserForm(
  form: UserFormInput,
  domain: StorageDomain,
  passwords: Pick<UserSecretInput, 'Password' | 'PasswordHash' | 'ProtocolOverrides'>,
): { ok: true; input: UserSecretInput } | { ok: false; fieldErrors: Record<string, string[]> } {
  const fieldErrors = new Map<string, string[]>();
  const add = (key: string, message: string) => {
    const list = fieldErrors.get(key) ?? [];
    if (!list.includes(message)) list.push(message);
    fieldErrors.set(key, list);
  };
  // Said once, in plain words, and the key text is never echoed: it is a secret.
  if (looksLikePrivateKey(form.publicKeys)) add('publicKeys', PRIVATE_KEY_MESSAGE);
  // An unchosen file system belongs to its own field, not to the folder's path rules.
  const emptyLocations = new Set<number>();
  if (domain === 'EFS') {
    if (form.homeMode !== 'mappings' && form.rootLocation.trim() === '') add('rootLocation', 'Choose the file system that holds the home folder.');
    if (form.homeMode === 'mappings') {
      form.mappings.forEach((row, index) => {
        if (row.location.trim() !== '') return;
        emptyLocations.add(index);
        add(`mappings.${index}.location`, `Choose the file system of mapping ${index + 1}.`);
      });
    }
  }
  const parsed = makeUserSecretInputSchema(domain).safeParse(formToSecretInput(form, passwords));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [head, index, leaf] = issue.path.map(String);
      if (head === 'PublicKey' && looksLikePrivateKey(form.publicKeys)) continue;
      if (
        (head === 'HomeDirectoryDetails' || head === 'HomeDirectory') &&
        form.homeMode !== 'mappings' &&
        form.rootLocation.trim() === '' &&
        domain === 'EFS'
      )
        continue;
      if (head === 'HomeDirectoryDetails' && leaf === 'Target' && emptyLocations.has(Number(index))) continue;
      add(formFieldFor(issue.path.map(String).join('.'), form), issue.message);
    }
  }
  if (fieldErrors.size === 0 && parsed.success) return { ok: true, input: parsed.data };
  return { ok: false, fieldErrors: Object.fromEntries(fieldErrors) };
}
