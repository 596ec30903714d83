// The bulk file formats: a CSV with a documented header, and the JSON the export writes. Both read
// into the same rows, and each row becomes the create form's input, so the form's contract judges it.
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { PROTOCOLS } from '../../secret/contract';
import type { UserFormInput } from '../user-form';

/** The CSV header, in order. Lists inside a cell are separated by `;` (keys by line breaks or `;`). */
export const CSV_COLUMNS = [
  'username',
  'sign_in_methods',
  'password',
  'protocol_passwords',
  'public_keys',
  'role',
  'uid',
  'gid',
  'secondary_gids',
  'home_type',
  'home',
  'allowed_networks',
  'expires_at',
  'disabled',
  'policy',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly CsvColumn[] = ['username', 'password', 'role', 'home'];

export const COLUMN_HELP: Record<CsvColumn, string> = {
  username: 'The user name (3-100 characters: letters, digits, _ - . @), unique on the server.',
  sign_in_methods: 'Optional check: password;keys, password, or keys. The export writes what the user has.',
  password: 'generate (a new password, delivered once after the import) or none (SSH keys only).',
  protocol_passwords: 'Optional: protocols with a password of their own, e.g. FTPS or SFTP;FTPS (each generated).',
  public_keys: 'SSH public keys (ssh-ed25519 …, ssh-rsa …, ecdsa-sha2-…), one per line or separated by ;.',
  role: 'The IAM role ARN Transfer assumes for this user.',
  uid: 'POSIX UID (EFS servers).',
  gid: 'POSIX GID (EFS servers).',
  secondary_gids: 'Optional secondary GIDs, separated by ;.',
  home_type: 'restricted (default: the user sees the folder as /), path (the folder as it is), or mappings.',
  home: 'A folder /<file system or bucket>/<path>, or mappings Entry=Target separated by ; (e.g. /inbox=/fs-…/home/ann/inbox;/shared=/fs-…/shared).',
  allowed_networks: 'Optional source networks (CIDR), separated by ;. Empty: from anywhere.',
  expires_at: 'Optional expiry, an ISO 8601 instant such as 2027-01-31T00:00:00Z.',
  disabled: 'Optional: true to create the user disabled.',
  policy: 'Optional session policy (JSON).',
};

/** One user as the bulk formats describe it: plain values, no password or hash ever. */
export type BulkUser = {
  username: string;
  signInMethods: ('password' | 'keys')[] | null;
  password: string;
  protocolPasswords: string[];
  publicKeys: string[];
  role: string;
  uid: string;
  gid: string;
  secondaryGids: string[];
  homeType: string;
  home: string;
  mappings: { entry: string; target: string }[];
  allowedNetworks: string[];
  expiresAt: string;
  disabled: string;
  policy: string;
};

/** A row of an uploaded file: its number as the admin sees it (CSV: the line of its first cell). */
export type BulkRow = { row: number; user: BulkUser; errors: Record<string, string[]> };

export const JSON_FORMAT = 'transfer-desk-users';
export const MAX_ROWS = 5_000;
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export class BulkFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BulkFileError';
  }
}

const list = (text: string, separator: RegExp = /[;\n]/) =>
  text
    .split(separator)
    .map((item) => item.trim())
    .filter(Boolean);

function mappingsFrom(text: string): { entry: string; target: string }[] {
  return list(text).map((pair) => {
    const at = pair.indexOf('=');
    return at < 0 ? { entry: '', target: pair } : { entry: pair.slice(0, at).trim(), target: pair.slice(at + 1).trim() };
  });
}

function stringOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function stringsOf(value: unknown): string[] {
  if (Array.isArray(value))
    return value
      .map(stringOf)
      .map((v) => v.trim())
      .filter(Boolean);
  return list(stringOf(value));
}

function signInMethodsFrom(text: string, errors: Record<string, string[]>): BulkUser['signInMethods'] {
  const items = list(text.toLowerCase(), /[;,+\s]+/);
  if (items.length === 0) return null;
  const unknown = items.filter((m) => m !== 'password' && m !== 'keys');
  if (unknown.length) errors.sign_in_methods = [`Unknown sign-in method ${unknown.join(', ')}: use password, keys or password;keys.`];
  return [...new Set(items.filter((m): m is 'password' | 'keys' => m === 'password' || m === 'keys'))];
}

function userFromCells(cells: Record<string, unknown>): { user: BulkUser; errors: Record<string, string[]> } {
  const errors: Record<string, string[]> = {};
  const cell = (name: CsvColumn) =>
    stringOf(Object.hasOwn(cells, name) ? cells[name] : undefined)
      .trim()
      .replace(/^'(?=[=+@])/, '');
  const homeType = cell('home_type').toLowerCase() || (cell('home').includes('=') ? 'mappings' : 'restricted');
  return {
    user: {
      username: cell('username'),
      signInMethods: signInMethodsFrom(cell('sign_in_methods'), errors),
      password: cell('password').toLowerCase(),
      protocolPasswords: list(cell('protocol_passwords').toUpperCase(), /[;,\s]+/),
      publicKeys: list(cell('public_keys')),
      role: cell('role'),
      uid: cell('uid'),
      gid: cell('gid'),
      secondaryGids: list(cell('secondary_gids'), /[;,\s]+/),
      homeType,
      home: homeType === 'mappings' ? '' : cell('home'),
      mappings: homeType === 'mappings' ? mappingsFrom(cell('home')) : [],
      allowedNetworks: list(cell('allowed_networks'), /[;,\s]+/),
      expiresAt: cell('expires_at'),
      disabled: cell('disabled').toLowerCase(),
      policy: cell('policy'),
    },
    errors,
  };
}

export function parseCsv(text: string): BulkRow[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse<{ record: Record<string, string>; info: { lines: number } }>(text.replace(/^\uFEFF/, ''), {
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: false,
      relax_column_count: false,
      info: true,
      max_record_size: 100_000,
    });
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new BulkFileError(
      `The CSV could not be read${line ? ` (line ${line})` : ''}: ${err instanceof Error ? err.message.replace(/^Invalid Record Length: /, '').replace(/,? value is .*$/s, '') : 'unknown error'}`,
    );
  }
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const columns = parse(header, { to_line: 1 })[0];
  const names = (columns ?? []).map((c) => c.trim().toLowerCase());
  const unknown = names.filter((n) => !(CSV_COLUMNS as readonly string[]).includes(n));
  if (unknown.length)
    throw new BulkFileError(`Unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}. The header is: ${CSV_COLUMNS.join(',')}.`);
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length)
    throw new BulkFileError(`Missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}. The header is: ${CSV_COLUMNS.join(',')}.`);
  if (new Set(names).size !== names.length) throw new BulkFileError('A column appears twice in the header.');
  if (records.length > MAX_ROWS) throw new BulkFileError(`The file has ${records.length} rows; import at most ${MAX_ROWS} at once.`);
  // The record's line is where it ends; a row's number is the line its first cell starts on.
  let nextLine = 2;
  return records.map(({ record, info }) => {
    const row = nextLine;
    nextLine = info.lines + 1;
    return { row, ...userFromCells(record) };
  });
}

export function parseJson(text: string): BulkRow[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new BulkFileError('The JSON could not be read: it is not valid JSON.');
  }
  const users = Array.isArray(document)
    ? document
    : typeof document === 'object' && document !== null && Array.isArray((document as { users?: unknown }).users)
      ? (document as { users: unknown[] }).users
      : null;
  if (!users)
    throw new BulkFileError(`The JSON must be an export of Transfer Desk ({ "format": "${JSON_FORMAT}", "users": [ … ] }) or a list of users.`);
  if (users.length > MAX_ROWS) throw new BulkFileError(`The file has ${users.length} users; import at most ${MAX_ROWS} at once.`);
  return users.map((raw, index) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      return { row: index + 1, user: userFromCells({}).user, errors: { _row: ['This entry is not an object.'] } };
    const u = raw as Record<string, unknown>;
    const own = (key: string) => (Object.hasOwn(u, key) ? u[key] : undefined);
    const mappings = own('mappings');
    const cells: Record<string, unknown> = {
      username: own('username'),
      sign_in_methods: stringsOf(own('signInMethods')).join(';'),
      password: own('password'),
      protocol_passwords: stringsOf(own('protocolPasswords')).join(';'),
      public_keys: stringsOf(own('publicKeys')).join('\n'),
      role: own('role'),
      uid: own('uid'),
      gid: own('gid'),
      secondary_gids: stringsOf(own('secondaryGids')).join(';'),
      home_type: own('homeType'),
      home:
        Array.isArray(mappings) && mappings.length
          ? mappings
              .map((m) =>
                typeof m === 'object' && m !== null
                  ? `${stringOf((m as Record<string, unknown>).entry)}=${stringOf((m as Record<string, unknown>).target)}`
                  : stringOf(m),
              )
              .join(';')
          : own('home'),
      allowed_networks: stringsOf(own('allowedNetworks')).join(';'),
      expires_at: own('expiresAt'),
      disabled: own('disabled'),
      policy: own('policy'),
    };
    return { row: index + 1, ...userFromCells(cells) };
  });
}

export function parseBulkFile(fileName: string, text: string): { format: 'csv' | 'json'; rows: BulkRow[] } {
  if (Buffer.byteLength(text) > MAX_FILE_BYTES) throw new BulkFileError('The file is larger than 5 MB; split it into several imports.');
  if (text.trim() === '') throw new BulkFileError('The file is empty.');
  const json = /\.json$/i.test(fileName) || /^\s*[[{]/.test(text);
  const rows = json ? parseJson(text) : parseCsv(text);
  if (rows.length === 0) throw new BulkFileError('The file has a header but no users.');
  return { format: json ? 'json' : 'csv', rows };
}

function splitFolder(folder: string): { location: string; path: string } {
  const trimmed = folder.trim().replace(/^\/+/, '');
  const slash = trimmed.indexOf('/');
  return slash < 0 ? { location: trimmed, path: '' } : { location: trimmed.slice(0, slash), path: trimmed.slice(slash) };
}

/** The create form's input for a row; errors the form cannot express are returned beside it. */
export function bulkUserToForm(user: BulkUser): { form: UserFormInput; errors: Record<string, string[]> } {
  const errors: Record<string, string[]> = {};
  const add = (field: string, message: string) => (errors[field] = [...(errors[field] ?? []), message]);
  if (user.password !== 'generate' && user.password !== 'none')
    add(
      'password',
      user.password === ''
        ? 'Say generate or none.'
        : 'That is not a password mode: use generate or none. Passwords are never imported (the value is not shown, in case it is one).',
    );
  const protocols = user.protocolPasswords.filter((p) => (PROTOCOLS as readonly string[]).includes(p));
  const unknownProtocols = user.protocolPasswords.filter((p) => !(PROTOCOLS as readonly string[]).includes(p));
  if (unknownProtocols.length) add('protocol_passwords', `Unknown protocol ${unknownProtocols.join(', ')}: use SFTP, FTP or FTPS.`);
  if (!['restricted', 'path', 'mappings'].includes(user.homeType))
    add('home_type', `"${user.homeType}" is not a home type: use restricted, path or mappings.`);
  if (!['', 'true', 'false', 'yes', 'no'].includes(user.disabled)) add('disabled', `"${user.disabled}" is not true or false.`);
  const hasPassword = user.password === 'generate' || protocols.length > 0;
  if (user.signInMethods) {
    if (user.signInMethods.includes('password') && !hasPassword) add('password', 'sign_in_methods lists password, but the password is none.');
    if (!user.signInMethods.includes('password') && user.password === 'generate')
      add('password', 'sign_in_methods does not list password, but the password is generate.');
    if (user.signInMethods.includes('keys') && user.publicKeys.length === 0) add('public_keys', 'sign_in_methods lists keys, but there are none.');
  }
  if (!hasPassword && user.password === 'none' && user.publicKeys.length === 0)
    add('public_keys', 'A user with no password needs at least one SSH key.');
  const folder = splitFolder(user.home);
  const form: UserFormInput = {
    username: user.username,
    password: { mode: user.password === 'none' ? 'none' : 'generate', storage: 'hash' },
    protocolPasswords: Object.fromEntries(protocols.map((p) => [p, true])),
    publicKeys: user.publicKeys.join('\n'),
    role: user.role,
    uid: user.uid,
    gid: user.gid,
    secondaryGids: user.secondaryGids.join(','),
    homeMode: user.homeType === 'mappings' ? 'mappings' : user.homeType === 'path' ? 'path' : 'root',
    rootLocation: folder.location,
    rootPath: folder.path,
    mappings: user.mappings.map((m) => ({ entry: m.entry, ...splitFolder(m.target) })),
    acceptedIpNetwork: user.allowedNetworks.join(','),
    expiresAt: user.expiresAt,
    policy: user.policy,
    disabled: user.disabled === 'true' || user.disabled === 'yes',
  };
  return { form, errors };
}

/** The form's field names as the file's columns, so an error points at the cell to fix. */
export function columnFor(field: string): string {
  const mapping = /^mappings\.(\d+)\./.exec(field);
  if (mapping) return `home (mapping ${Number(mapping[1]) + 1})`;
  const columns: Record<string, string> = {
    username: 'username',
    passwordMode: 'password',
    password: 'password',
    publicKeys: 'public_keys',
    role: 'role',
    uid: 'uid',
    gid: 'gid',
    secondaryGids: 'secondary_gids',
    homeMode: 'home_type',
    rootLocation: 'home',
    rootPath: 'home',
    mappings: 'home',
    acceptedIpNetwork: 'allowed_networks',
    expiresAt: 'expires_at',
    policy: 'policy',
    disabled: 'disabled',
  };
  return columns[field] ?? field;
}

function csvRecord(user: BulkUser): string[] {
  const cells: Record<CsvColumn, string> = {
    username: user.username,
    sign_in_methods: (user.signInMethods ?? []).join(';'),
    password: user.password,
    protocol_passwords: user.protocolPasswords.join(';'),
    public_keys: user.publicKeys.join('\n'),
    role: user.role,
    uid: user.uid,
    gid: user.gid,
    secondary_gids: user.secondaryGids.join(';'),
    home_type: user.homeType,
    home: user.homeType === 'mappings' ? user.mappings.map((m) => `${m.entry}=${m.target}`).join(';') : user.home,
    allowed_networks: user.allowedNetworks.join(';'),
    expires_at: user.expiresAt,
    disabled: user.disabled,
    policy: user.policy,
  };
  return CSV_COLUMNS.map((c) => cells[c]);
}

// A cell beginning with = + - @ is a formula to a spreadsheet; a leading ' keeps it text. Reading
// back strips nothing, so only cells that cannot start that way legitimately are escaped.
function spreadsheetSafe(cell: string): string {
  return /^[=+@\t\r]/.test(cell) ? `'${cell}` : cell;
}

export function writeCsv(users: BulkUser[]): string {
  return stringify([[...CSV_COLUMNS], ...users.map((u) => csvRecord(u).map(spreadsheetSafe))], { record_delimiter: '\n' });
}

export function writeJson(serverId: string, users: BulkUser[], exportedAt = new Date()): string {
  return `${JSON.stringify({ format: JSON_FORMAT, version: 1, serverId, exportedAt: exportedAt.toISOString(), users }, null, 2)}\n`;
}

export const TEMPLATE_USERS: BulkUser[] = [
  {
    username: 'partner-ann',
    signInMethods: ['password'],
    password: 'generate',
    protocolPasswords: [],
    publicKeys: [],
    role: 'arn:aws:iam::123456789012:role/transfer-efs-user',
    uid: '3001',
    gid: '3001',
    secondaryGids: [],
    homeType: 'restricted',
    home: '/fs-0123456789abcdef0/home/partner-ann',
    mappings: [],
    allowedNetworks: ['203.0.113.0/24'],
    expiresAt: '2027-12-31T23:59:59Z',
    disabled: 'false',
    policy: '',
  },
  {
    username: 'partner-bob',
    signInMethods: ['keys'],
    password: 'none',
    protocolPasswords: [],
    publicKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl bob@example'],
    role: 'arn:aws:iam::123456789012:role/transfer-efs-user',
    uid: '3002',
    gid: '3002',
    secondaryGids: ['3100'],
    homeType: 'mappings',
    home: '',
    mappings: [
      { entry: '/inbox', target: '/fs-0123456789abcdef0/home/partner-bob' },
      { entry: '/shared', target: '/fs-0123456789abcdef0/shared' },
    ],
    allowedNetworks: [],
    expiresAt: '',
    disabled: 'false',
    policy: '',
  },
];

export const templateCsv = () => writeCsv(TEMPLATE_USERS);
