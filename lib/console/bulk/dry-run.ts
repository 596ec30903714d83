// The dry run: every row judged by the create form's contract, with warnings and a preview of what
// would be stored and what the Lambda would answer. It reads AWS but never writes.
import 'server-only';
import { createHash } from 'node:crypto';
import { decideLogin } from '../../idp/decide-login';
import { parseSecretName, PROTOCOLS, serializeUserSecret, usernameSchema, type UserSecretInput } from '../../secret/contract';
import { validateUserForm, type UserFormInput } from '../user-form';
import { secretPrefix } from '../servers';
import { serverSecretEntries } from '../users/list';
import { KEPT_PASSWORD_PLACEHOLDER, PASSWORD_KEYS, requireManageableServer } from '../users/shared';
import { uidUsage } from '../users/uid-usage';
import { bulkUserToForm, columnFor, parseBulkFile, type BulkRow } from './format';

export type RowIssue = { column: string; message: string };
export type RowPlan = {
  row: number;
  username: string;
  errors: RowIssue[];
  warnings: string[];
  /** What would be stored, passwords and hashes redacted; null when the row has errors. */
  secretPreview: Record<string, unknown> | null;
  lambdaAnswer: Record<string, unknown> | null;
  /** Passwords the apply generates: 'main' and/or protocols. */
  generates: string[];
};
export type DryRun = {
  importId: string;
  serverId: string;
  format: 'csv' | 'json';
  rows: RowPlan[];
  summary: { total: number; valid: number; invalid: number; warnings: number; passwords: number };
};
/** A row ready to apply: its form (validated) and the ClientRequestToken that makes it idempotent. */
export type ApplicableRow = { row: number; username: string; form: UserFormInput; token: string };

/** A UUID-shaped id from a digest: the same input always gives the same id. */
function uuidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The import's id: the same file for the same server is the same import, so running it again finishes it. */
export function importIdFor(serverId: string, rows: BulkRow[]): string {
  return uuidFrom(`transfer-desk-import\n${serverId}\n${JSON.stringify(rows.map((r) => r.user))}`);
}

/** The ClientRequestToken of one row of one import (the CreateSecret version id, 36 characters). */
export function rowToken(importId: string, row: number): string {
  return uuidFrom(`${importId}#${row}`);
}

function placeholderPasswords(form: UserFormInput): Pick<UserSecretInput, 'PasswordHash' | 'ProtocolOverrides'> {
  const overrides = Object.fromEntries(
    PROTOCOLS.filter((p) => form.protocolPasswords[p]).map((p) => [p, { PasswordHash: KEPT_PASSWORD_PLACEHOLDER }]),
  );
  return {
    ...(form.password.mode === 'generate' ? { PasswordHash: KEPT_PASSWORD_PLACEHOLDER } : {}),
    ...(Object.keys(overrides).length ? { ProtocolOverrides: overrides } : {}),
  };
}

async function lambdaAnswerFor(
  serverId: string,
  username: string,
  form: UserFormInput,
  stored: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const previewPassword = 'preview-only-password';
  const forDecision: Record<string, unknown> = { ...stored };
  for (const key of PASSWORD_KEYS) delete forDecision[key];
  if (form.password.mode !== 'none') forDecision.Password = previewPassword;
  delete forDecision.Disabled;
  delete forDecision.ExpiresAt;
  delete forDecision.AcceptedIpNetwork;
  const keysOnly = form.password.mode === 'none';
  const decision = await decideLogin(
    { username, password: keysOnly ? '' : previewPassword, protocol: 'SFTP', serverId, sourceIp: null },
    JSON.stringify(forDecision),
  );
  return decision.response;
}

type ServerUsers = { names: Set<string>; lowerNames: Map<string, string>; usedBy: Record<string, string[]> };

async function serverUsers(serverId: string): Promise<ServerUsers> {
  const names = new Set<string>();
  const lowerNames = new Map<string, string>();
  for await (const entry of serverSecretEntries(serverId)) {
    const name = entry.Name ? parseSecretName(entry.Name, secretPrefix())?.username : undefined;
    if (!name) continue;
    names.add(name);
    lowerNames.set(name.toLowerCase(), name);
  }
  const { usedBy } = await uidUsage(serverId);
  return { names, lowerNames, usedBy };
}

/** Judges every row; returns the plan and, separately, the rows an apply would write. */
export async function planImport(serverId: string, fileName: string, text: string): Promise<{ dryRun: DryRun; applicable: ApplicableRow[] }> {
  const server = await requireManageableServer(serverId);
  const { format, rows } = parseBulkFile(fileName, text);
  const importId = importIdFor(serverId, rows);
  const existing = await serverUsers(serverId);
  const fileNames = new Map<string, number>();
  const fileLower = new Map<string, string>();
  const fileUids = new Map<string, string[]>();
  for (const { user } of rows) {
    if (user.uid !== '') fileUids.set(user.uid, [...(fileUids.get(user.uid) ?? []), user.username]);
  }
  const plans: RowPlan[] = [];
  const applicable: ApplicableRow[] = [];
  for (const parsed of rows) {
    const { form, errors: formatErrors } = bulkUserToForm(parsed.user);
    const errors: RowIssue[] = [];
    const warnings: string[] = [];
    const addErrors = (record: Record<string, string[]>, toColumn: (field: string) => string) => {
      for (const [field, messages] of Object.entries(record)) for (const message of messages) errors.push({ column: toColumn(field), message });
    };
    addErrors(parsed.errors, (f) => (f === '_row' ? 'row' : f));
    addErrors(formatErrors, (f) => f);
    const name = usernameSchema.safeParse(form.username);
    const username = name.success ? name.data : form.username;
    if (!name.success) errors.push(...name.error.issues.map((i) => ({ column: 'username', message: i.message })));
    const validated = validateUserForm(form, server.domain, placeholderPasswords(form));
    if (!validated.ok) addErrors(validated.fieldErrors, columnFor);
    if (name.success) {
      const earlier = fileNames.get(username);
      if (earlier !== undefined) errors.push({ column: 'username', message: `${username} is already on row ${earlier} of this file.` });
      else fileNames.set(username, parsed.row);
      if (existing.names.has(username))
        warnings.push(`${username} already exists on this server: this row will be skipped unless this import created it.`);
      const caseTwin = [existing.lowerNames.get(username.toLowerCase()), fileLower.get(username.toLowerCase())].find(
        (n) => n !== undefined && n !== username,
      );
      if (caseTwin) warnings.push(`${caseTwin} already exists; ${username} differs only in case, which partners and scripts easily confuse.`);
      if (!fileLower.has(username.toLowerCase())) fileLower.set(username.toLowerCase(), username);
    }
    if (form.uid !== '' && Number(form.uid) === 0) warnings.push('UID 0 is root on the file system: this user could read and change every file.');
    if (form.uid !== '' && Number.isInteger(Number(form.uid))) {
      const sharers = [...(existing.usedBy[String(Number(form.uid))] ?? []), ...(fileUids.get(String(form.uid)) ?? [])].filter((u) => u !== username);
      if (sharers.length)
        warnings.push(
          `UID ${form.uid} is also used by ${[...new Set(sharers)].slice(0, 5).join(', ')}${sharers.length > 5 ? ` and ${sharers.length - 5} more` : ''}: they would share file ownership.`,
        );
    }
    if (form.disabled) warnings.push('Created disabled: every login will be refused until it is enabled.');
    const expires = form.expiresAt ? new Date(form.expiresAt).getTime() : NaN;
    if (!Number.isNaN(expires) && expires <= Date.now()) warnings.push('The expiry is in the past: every login will be refused.');
    const generates = [...(form.password.mode === 'generate' ? ['main'] : []), ...PROTOCOLS.filter((p) => form.protocolPasswords[p])];
    let secretPreview: Record<string, unknown> | null = null;
    let lambdaAnswer: Record<string, unknown> | null = null;
    if (errors.length === 0 && validated.ok) {
      const stored = JSON.parse(serializeUserSecret(validated.input)) as Record<string, unknown>;
      secretPreview = Object.fromEntries(
        Object.entries(stored).map(([key, value]) => [key, PASSWORD_KEYS.has(key) ? '<argon2id hash of a generated password>' : value]),
      );
      lambdaAnswer = await lambdaAnswerFor(serverId, username, form, stored);
      applicable.push({ row: parsed.row, username, form: { ...form, username }, token: rowToken(importId, parsed.row) });
    }
    plans.push({ row: parsed.row, username, errors, warnings, secretPreview, lambdaAnswer, generates });
  }
  const valid = plans.filter((p) => p.errors.length === 0);
  return {
    dryRun: {
      importId,
      serverId,
      format,
      rows: plans,
      summary: {
        total: plans.length,
        valid: valid.length,
        invalid: plans.length - valid.length,
        warnings: plans.filter((p) => p.warnings.length > 0).length,
        passwords: valid.filter((p) => p.generates.length > 0).length,
      },
    },
    applicable,
  };
}
