// What saving a form would store and what the Lambda would answer, before anything is written.
import 'server-only';
import { decideLogin } from '../../idp/decide-login';
import { PROTOCOLS, roleArnAccount, serializeUserSecret, usernameSchema } from '../../secret/contract';
import { arnAccount, looksLikePrivateKey } from '../browser-checks';
import { validateUserForm, type UserFormInput } from '../user-form';
import { KEPT_PASSWORD_PLACEHOLDER, keyViews, PASSWORD_KEYS, requireManageableServer, type PublicKeyView } from './shared';
import { userIndex } from '../user-index';

export type UserPreview = {
  fieldErrors: Record<string, string[]>;
  /** Every warning, in order. */
  warnings: string[];
  /** The same warnings keyed by the field they are about, to show beside it. */
  fieldWarnings: Record<string, string[]>;
  storedSecret: Record<string, unknown> | null;
  lambdaAnswer: Record<string, unknown> | null;
  publicKeys: PublicKeyView[];
};

/**
 * What saving the form would store (passwords and hashes redacted) and the exact answer the Lambda
 * would give to a successful login, computed by the same decision code the Lambda runs. `signal`
 * (the request's) stops a preview nobody waits for any more before its AWS call, or during it.
 */
export async function previewUser(
  serverId: string,
  form: UserFormInput,
  options: { editing?: string; signal?: AbortSignal } = {},
): Promise<UserPreview> {
  const { signal } = options;
  const server = await requireManageableServer(serverId, { signal });
  const warnings: string[] = [];
  const fieldWarnings = new Map<string, string[]>();
  const warn = (field: string | null, message: string) => {
    warnings.push(message);
    if (field) fieldWarnings.set(field, [...(fieldWarnings.get(field) ?? []), message]);
  };
  const placeholder = form.password.mode === 'none' ? {} : { PasswordHash: KEPT_PASSWORD_PLACEHOLDER };
  const protocolOverrides = Object.fromEntries(
    PROTOCOLS.filter((p) => form.protocolPasswords[p]).map((p) => [p, { PasswordHash: KEPT_PASSWORD_PLACEHOLDER }]),
  );
  const validated = validateUserForm(form, server.domain, {
    ...placeholder,
    ...(Object.keys(protocolOverrides).length ? { ProtocolOverrides: protocolOverrides } : {}),
  });
  // A pasted private key is never parsed, shown or echoed, not even as a fingerprint.
  const keys = looksLikePrivateKey(form.publicKeys)
    ? []
    : form.publicKeys
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
  const fieldErrors: Record<string, string[]> = validated.ok ? {} : validated.fieldErrors;
  if (!options.editing) {
    const name = usernameSchema.safeParse(form.username);
    if (!name.success) fieldErrors.username = name.error.issues.map((i) => i.message);
    else {
      const alike = await namesDifferingInCase(serverId, name.data, signal);
      if (alike.length)
        warn(
          'username',
          `${alike.join(', ')} already exists on this server; ${name.data} differs only in case, which partners and scripts easily confuse.`,
        );
    }
  }
  const uid = Number(form.uid);
  if (String(form.uid).trim() !== '' && uid === 0) warn('uid', 'UID 0 is root on the file system: this user could read and change every file.');
  if (String(form.uid).trim() !== '' && Number.isInteger(uid)) {
    const others = (await usersWithUid(serverId, uid, signal)).filter((u) => u !== (options.editing ?? form.username));
    if (others.length) warn('uid', `UID ${uid} is already used by ${others.join(', ')} on this server: they would share file ownership.`);
  }
  const roleAccount = roleArnAccount(form.role);
  const serverAccount = arnAccount(server.arn);
  if (roleAccount && serverAccount && roleAccount !== serverAccount) {
    warn(
      'role',
      `This role is in account ${roleAccount}, the server in account ${serverAccount}: logins fail unless the role trusts Transfer in the server’s account.`,
    );
  }
  if (form.disabled) warn('disabled', 'The user is disabled: every login will be refused.');
  const expires = form.expiresAt.trim() ? new Date(form.expiresAt).getTime() : NaN;
  if (!Number.isNaN(expires) && expires <= Date.now()) warn('expiresAt', 'The expiry is in the past: every login will be refused.');
  const done = (rest: Pick<UserPreview, 'storedSecret' | 'lambdaAnswer'>): UserPreview => ({
    fieldErrors,
    warnings,
    fieldWarnings: Object.fromEntries(fieldWarnings),
    publicKeys: keyViews(keys),
    ...rest,
  });
  if (!validated.ok) return done({ storedSecret: null, lambdaAnswer: null });
  const stored = JSON.parse(serializeUserSecret(validated.input)) as Record<string, unknown>;
  const previewPassword = 'preview-only-password';
  const forDecision = { ...stored };
  if (form.password.mode !== 'none') forDecision.Password = previewPassword;
  delete forDecision.PasswordHash;
  delete forDecision.Disabled;
  delete forDecision.ExpiresAt;
  const decision = await decideLogin(
    {
      username: form.username || options.editing || 'preview',
      password: form.password.mode === 'none' ? '' : previewPassword,
      protocol: 'SFTP',
      serverId,
      sourceIp: null,
    },
    JSON.stringify({ ...forDecision, AcceptedIpNetwork: undefined }),
  );
  const redacted = Object.fromEntries(
    Object.entries(stored).map(([key, value]) => [
      key,
      PASSWORD_KEYS.has(key) ? (key.endsWith('Hash') ? '<argon2id hash, made on save>' : '<generated on save, shown once>') : value,
    ]),
  );
  if (form.password.mode === 'keep') redacted.PasswordHash = '<unchanged>';
  return done({ storedSecret: redacted, lambdaAnswer: decision.response });
}

/**
 * Existing users whose name equals `username` but for case, from the user index (no AWS call). Until
 * the index's first build is done, nothing is found: the warning is advisory, and the index is
 * built in the background by the first page that needs it.
 */
async function namesDifferingInCase(serverId: string, username: string, signal?: AbortSignal): Promise<string[]> {
  const status = await userIndex(serverId, { signal });
  if (!status.ready) return [];
  const lower = username.toLowerCase();
  return [...status.index.users.keys()].filter((name) => name !== username && name.toLowerCase() === lower).sort();
}

/** Users holding `uid`, from the index (no AWS call; none until its first build is done). */
async function usersWithUid(serverId: string, uid: number, signal?: AbortSignal): Promise<string[]> {
  const status = await userIndex(serverId, { signal });
  const names: string[] = [];
  if (status.ready) for (const user of status.index.users.values()) if (user.uid === uid) names.push(user.username);
  return names.sort();
}
