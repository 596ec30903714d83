// What saving a form would store and what the Lambda would answer, before anything is written.
import 'server-only';
import { decideLogin } from '../../idp/decide-login';
import { PROTOCOLS, serializeUserSecret, usernameSchema } from '../../secret/contract';
import { validateUserForm, type UserFormInput } from '../user-form';
import { KEPT_PASSWORD_PLACEHOLDER, keyViews, PASSWORD_KEYS, requireManageableServer, type PublicKeyView } from './shared';
import { uidUsage } from './uid-usage';

export type UserPreview = {
  fieldErrors: Record<string, string[]>;
  warnings: string[];
  storedSecret: Record<string, unknown> | null;
  lambdaAnswer: Record<string, unknown> | null;
  publicKeys: PublicKeyView[];
};

/**
 * What saving the form would store (passwords and hashes redacted) and the exact answer the Lambda
 * would give to a successful login, computed by the same decision code the Lambda runs.
 */
export async function previewUser(serverId: string, form: UserFormInput, options: { editing?: string } = {}): Promise<UserPreview> {
  const server = await requireManageableServer(serverId);
  const warnings: string[] = [];
  const placeholder = form.password.mode === 'none' ? {} : { PasswordHash: KEPT_PASSWORD_PLACEHOLDER };
  const protocolOverrides = Object.fromEntries(PROTOCOLS.filter((p) => form.protocolPasswords[p]).map((p) => [p, { PasswordHash: KEPT_PASSWORD_PLACEHOLDER }]));
  const validated = validateUserForm(form, server.domain, { ...placeholder, ...(Object.keys(protocolOverrides).length ? { ProtocolOverrides: protocolOverrides } : {}) });
  const keys = form.publicKeys.split('\n').map((l) => l.trim()).filter(Boolean);
  const fieldErrors: Record<string, string[]> = validated.ok ? {} : validated.fieldErrors;
  if (!options.editing) {
    const name = usernameSchema.safeParse(form.username);
    if (!name.success) fieldErrors.username = name.error.issues.map((i) => i.message);
  }
  const uid = Number(form.uid);
  if (String(form.uid).trim() !== '' && uid === 0) warnings.push('UID 0 is root on the file system: this user could read and change every file.');
  if (String(form.uid).trim() !== '' && Number.isInteger(uid)) {
    const { usedBy } = await uidUsage(serverId);
    const others = (usedBy[String(uid)] ?? []).filter((u) => u !== (options.editing ?? form.username));
    if (others.length) warnings.push(`UID ${uid} is already used by ${others.join(', ')} on this server: they would share file ownership.`);
  }
  if (!validated.ok) return { fieldErrors, warnings, storedSecret: null, lambdaAnswer: null, publicKeys: keyViews(keys) };
  const stored = JSON.parse(serializeUserSecret(validated.input)) as Record<string, unknown>;
  const previewPassword = 'preview-only-password';
  const forDecision = { ...stored };
  if (form.password.mode !== 'none') forDecision.Password = previewPassword;
  delete forDecision.PasswordHash;
  delete forDecision.Disabled;
  delete forDecision.ExpiresAt;
  const decision = await decideLogin(
    { username: form.username || options.editing || 'preview', password: form.password.mode === 'none' ? '' : previewPassword, protocol: 'SFTP', serverId, sourceIp: null },
    JSON.stringify({ ...forDecision, AcceptedIpNetwork: undefined }),
  );
  const redacted = Object.fromEntries(
    Object.entries(stored).map(([key, value]) => [key, PASSWORD_KEYS.has(key) ? (key.endsWith('Hash') ? '<argon2id hash, made on save>' : '<generated on save, shown once>') : value]),
  );
  if (form.password.mode === 'keep') redacted.PasswordHash = '<unchanged>';
  if (form.disabled) warnings.push('The user is disabled: every login will be refused.');
  if (validated.input.ExpiresAt && new Date(validated.input.ExpiresAt).getTime() <= Date.now()) warnings.push('The expiry is in the past: every login will be refused.');
  return { fieldErrors, warnings, storedSecret: redacted, lambdaAnswer: decision.response, publicKeys: keyViews(keys) };
}
