// The user form's named inputs, shared by the browser (to show exactly what was submitted) and the
// server (to read a submission). One name per field: it is the input's name and id, and the key of
// its errors. No imports beyond types, so it is safe in the browser bundle.

/** A submission as FormData gives it: repeated names become arrays. */
export type FormValues = Record<string, string | string[]>;

export const FORM_PROTOCOLS = ['SFTP', 'FTP', 'FTPS'] as const;
export const HOME_MODES = ['path', 'root', 'mappings'] as const;
export type HomeMode = (typeof HOME_MODES)[number];
export const MAX_MAPPING_ROWS = 50;

/** Field names; mapping rows are `mappings.<index>.<entry|location|path>`. */
export const FIELD = {
  username: 'username',
  passwordMode: 'passwordMode',
  passwordStorage: 'passwordStorage',
  protocolPasswords: 'protocolPasswords',
  publicKeys: 'publicKeys',
  role: 'role',
  uid: 'uid',
  gid: 'gid',
  secondaryGids: 'secondaryGids',
  homeMode: 'homeMode',
  homeLocation: 'rootLocation',
  homeFolder: 'rootPath',
  mappings: 'mappings',
  acceptedIpNetwork: 'acceptedIpNetwork',
  expiresAt: 'expiresAt',
  expiresAtIso: 'expiresAtIso',
  expiresAtShown: 'expiresAtShown',
  policy: 'policy',
  disabled: 'disabled',
} as const;

export const mappingField = (index: number, part: 'entry' | 'location' | 'path') => `mappings.${index}.${part}`;

/** Human names of the fields, for the error summary at the top of the form. */
export function fieldLabel(name: string, locationLabel = 'File system'): string {
  const row = /^mappings\.(\d+)\.(entry|location|path)$/.exec(name);
  if (row) {
    const n = Number(row[1]) + 1;
    return row[2] === 'entry' ? `Visible path ${n}` : row[2] === 'location' ? `${locationLabel} ${n}` : `Folder ${n}`;
  }
  const labels = new Map<string, string>([
    ['username', 'User name'],
    ['passwordMode', 'Password'],
    ['publicKeys', 'SSH public keys'],
    ['role', 'IAM role'],
    ['uid', 'UID'],
    ['gid', 'GID'],
    ['secondaryGids', 'Secondary GIDs'],
    ['homeMode', 'Home directory type'],
    ['rootLocation', locationLabel],
    ['rootPath', 'Folder'],
    ['mappings', 'Mappings'],
    ['acceptedIpNetwork', 'Allowed source networks'],
    ['expiresAt', 'Expires at'],
    ['policy', 'Session policy'],
    ['disabled', 'Disabled'],
    ['recoveryWindowInDays', 'Recovery window (days)'],
    ['confirmation', 'Confirmation'],
    ['reason', 'Reason'],
    ['passwords', 'Passwords to reset'],
    ['sourceIp', 'Source IP'],
    ['password', 'Password to test'],
  ]);
  return labels.get(name) ?? 'This form';
}

function one(values: FormValues, key: string): string {
  if (!Object.hasOwn(values, key)) return '';
  const value = values[key];
  return typeof value === 'string' ? value : (value?.[0] ?? '');
}

function many(values: FormValues, key: string): string[] {
  if (!Object.hasOwn(values, key)) return [];
  const value = values[key];
  return typeof value === 'string' ? [value] : (value ?? []);
}

/** A datetime-local value (no zone) read as UTC, for a browser that ran no script. */
function localAsUtc(local: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local)) return local;
  const date = new Date(`${local}Z`);
  return Number.isNaN(date.getTime()) ? local : date.toISOString();
}

/** A stored instant as a datetime-local value in UTC: what the page shows before script runs. */
export function utcInputValue(iso: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 16);
}

/**
 * The nested form object (the shape `userFormSchema` validates) from named inputs. The expiry is
 * shown as a datetime-local value (no zone); beside it the page keeps `expiresAtIso`, the instant,
 * and `expiresAtShown`, the value that instant was shown as. While the shown value is what was
 * submitted, the instant is taken as it is (exact, seconds included); a value changed without
 * script is read as UTC, the zone the page renders in before script runs.
 */
export function userFormFromValues(values: FormValues) {
  const rows = new Map<number, { entry: string; location: string; path: string }>();
  for (const key of Object.keys(values)) {
    const match = /^mappings\.(\d{1,3})\.(entry|location|path)$/.exec(key);
    if (!match) continue;
    const index = Number(match[1]);
    const row = rows.get(index) ?? { entry: '', location: '', path: '' };
    row[match[2] as 'entry' | 'location' | 'path'] = one(values, key);
    rows.set(index, row);
  }
  const protocols = new Set(many(values, FIELD.protocolPasswords));
  const expiresLocal = one(values, FIELD.expiresAt).trim();
  const expiresIso = one(values, FIELD.expiresAtIso).trim();
  const expiresShown = one(values, FIELD.expiresAtShown).trim();
  return {
    username: one(values, FIELD.username),
    password: {
      mode: one(values, FIELD.passwordMode),
      storage: one(values, FIELD.passwordStorage) === 'plaintext' ? 'plaintext' : 'hash',
    },
    protocolPasswords: Object.fromEntries(FORM_PROTOCOLS.filter((p) => protocols.has(p)).map((p) => [p, true])),
    publicKeys: one(values, FIELD.publicKeys),
    role: one(values, FIELD.role),
    uid: one(values, FIELD.uid),
    gid: one(values, FIELD.gid),
    secondaryGids: one(values, FIELD.secondaryGids),
    homeMode: one(values, FIELD.homeMode) || 'root',
    rootLocation: one(values, FIELD.homeLocation),
    rootPath: one(values, FIELD.homeFolder),
    mappings: [...rows.entries()].sort(([a], [b]) => a - b).map(([, row]) => row),
    acceptedIpNetwork: one(values, FIELD.acceptedIpNetwork),
    expiresAt: expiresLocal === '' ? '' : expiresIso !== '' && expiresShown === expiresLocal ? expiresIso : localAsUtc(expiresLocal),
    policy: one(values, FIELD.policy),
    disabled: ['on', 'true'].includes(one(values, FIELD.disabled)),
  };
}

/** The form's errors keyed by field name from a zod path into the nested form object. */
export function fieldNameForFormPath(path: readonly PropertyKey[]): string {
  const [head, index, leaf] = path.map(String);
  if (head === 'password') return index === 'storage' ? FIELD.passwordStorage : FIELD.passwordMode;
  if (head === 'mappings') return index !== undefined && leaf !== undefined ? `mappings.${index}.${leaf}` : FIELD.mappings;
  return head ?? '_form';
}

/** A message as a sentence: capital first letter, ending with a full stop. */
export function sentence(message: string): string {
  const trimmed = message.trim();
  if (trimmed === '') return trimmed;
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
