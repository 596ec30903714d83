'use client';

import Link from 'next/link';
import { useActionState, useEffect, useMemo, useRef, useState, useTransition } from 'react';
import { Field } from '@/components/field';
import { FormMessage } from '@/components/form-message';
import { OneTimeSecret } from '@/components/one-time-secret';
import { SubmitButton } from '@/components/submit-button';
import type { ActionState } from '@/lib/auth/authed-action';
import type { GeneratedPasswords, UserFormInput } from '@/lib/console/user-form';
import type { UserPreview } from '@/lib/console/users';
import { createUserAction, previewUserAction, updateUserAction } from './actions';

type Props = {
  mode: 'create' | 'edit';
  serverId: string;
  domain: 'EFS' | 'S3';
  protocols: string[];
  roles: { roleName: string; arn: string }[];
  fileSystems: { fileSystemId: string; name: string | null }[];
  initial: UserFormInput;
  versionId?: string;
};

function toLocalInput(iso: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function fromLocalInput(local: string): string {
  if (!local) return '';
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? local : date.toISOString();
}

type SaveData = { username?: string; versionId?: string; passwords?: GeneratedPasswords };

export function UserForm({ mode, serverId, domain, protocols, roles, fileSystems, initial, versionId: initialVersionId }: Props) {
  const [form, setForm] = useState<UserFormInput>(initial);
  const [expiresLocal, setExpiresLocal] = useState(toLocalInput(initial.expiresAt));
  const [versionId, setVersionId] = useState(initialVersionId ?? '');
  const [preview, setPreview] = useState<UserPreview | null>(null);
  const [previewPending, startPreview] = useTransition();
  const action = mode === 'create' ? createUserAction : updateUserAction;
  const [state, formAction] = useActionState<ActionState<SaveData>, FormData>(action as (s: ActionState<SaveData>, f: FormData) => Promise<ActionState<SaveData>>, {
    status: 'idle',
  });
  const errors = state.status === 'error' ? (state.fieldErrors ?? {}) : {};
  const locationLabel = domain === 'EFS' ? 'File system' : 'Bucket';

  const payloadForm = useMemo<UserFormInput>(() => ({ ...form, expiresAt: fromLocalInput(expiresLocal) }), [form, expiresLocal]);
  const payload = JSON.stringify(
    mode === 'create' ? { serverId, form: payloadForm } : { serverId, username: initial.username, versionId, form: payloadForm },
  );

  // After a save, later saves are compared against the version this one wrote.
  const [seenState, setSeenState] = useState(state);
  if (state !== seenState) {
    setSeenState(state);
    if (state.status === 'success' && state.data?.versionId) setVersionId(state.data.versionId);
  }

  // The preview is computed on the server by the Lambda's own decision code, a moment after typing stops.
  const previewTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (previewTimer.current) clearTimeout(previewTimer.current);
    previewTimer.current = setTimeout(() => {
      startPreview(async () => {
        const data = new FormData();
        data.set('payload', JSON.stringify({ serverId, form: payloadForm, ...(mode === 'edit' ? { editing: initial.username } : {}) }));
        const result = await previewUserAction({ status: 'idle' }, data);
        if (result.status === 'success' && result.data) setPreview(result.data as UserPreview);
      });
    }, 400);
    return () => {
      if (previewTimer.current) clearTimeout(previewTimer.current);
    };
  }, [payloadForm, serverId, mode, initial.username]);

  const set = <K extends keyof UserFormInput>(key: K, value: UserFormInput[K]) => setForm((f) => ({ ...f, [key]: value }));

  if (mode === 'create' && state.status === 'success' && state.data?.username) {
    const created = { ...state.data, username: state.data.username };
    return (
      <div className="card">
        <p className="alert ok" role="status">
          User <strong>{created.username}</strong> was created.
        </p>
        {created.passwords?.main ? <OneTimeSecret label="Password" value={created.passwords.main} /> : null}
        {(['SFTP', 'FTP', 'FTPS'] as const).map((p) => (created.passwords?.[p] ? <OneTimeSecret key={p} label={`${p} password`} value={created.passwords[p]!} /> : null))}
        <p className="toolbar">
          <Link className="button" href={`/servers/${serverId}/users/${encodeURIComponent(created.username)}`}>
            Open {created.username}
          </Link>
          <Link className="button" href={`/servers/${serverId}/users`}>
            Back to users
          </Link>
        </p>
      </div>
    );
  }

  const uidWarning = preview?.warnings ?? [];

  return (
    <div className="two-col">
      <form action={formAction} noValidate aria-label={mode === 'create' ? 'Create user' : `Edit ${initial.username}`}>
        <input type="hidden" name="payload" value={payload} />
        <FormMessage state={state} />
        {state.status === 'success' && state.data?.passwords?.main ? <OneTimeSecret label="New password" value={state.data.passwords.main} /> : null}
        {(['SFTP', 'FTP', 'FTPS'] as const).map((p) =>
          state.status === 'success' && state.data?.passwords?.[p] ? <OneTimeSecret key={p} label={`${p} password`} value={state.data.passwords[p]!} /> : null,
        )}

        {mode === 'create' ? (
          <Field id="username" label="User name" hint="3–100 letters, digits, _ - . @; not starting with - . or @; not root." errors={errors.username}>
            {(props) => <input {...props} value={form.username} autoComplete="off" onChange={(e) => set('username', e.target.value)} />}
          </Field>
        ) : null}

        <fieldset>
          <legend>Sign-in</legend>
          <div className="field" role="radiogroup" aria-labelledby="password-mode-label" aria-describedby={errors.password ? 'password-error' : undefined}>
            <span className="label" id="password-mode-label">
              Password
            </span>
            {mode === 'edit' && initial.password.mode !== 'none' ? (
              <label>
                <input type="radio" name="password-mode" checked={form.password.mode === 'keep'} onChange={() => set('password', { ...form.password, mode: 'keep' })} /> Keep the
                current password
              </label>
            ) : null}
            <label>
              <input type="radio" name="password-mode" checked={form.password.mode === 'generate'} onChange={() => set('password', { ...form.password, mode: 'generate' })} />{' '}
              {mode === 'edit' ? 'Generate a new password (shown once)' : 'Generate a password (shown once)'}
            </label>
            <label>
              <input type="radio" name="password-mode" checked={form.password.mode === 'none'} onChange={() => set('password', { ...form.password, mode: 'none' })} /> No password
              (SSH keys only)
            </label>
            {errors.password ? (
              <p className="error" id="password-error">
                {errors.password.join(' ')}
              </p>
            ) : null}
          </div>
          {form.password.mode === 'generate' ? (
            <div className="field">
              <label>
                <input
                  type="checkbox"
                  checked={form.password.storage === 'plaintext'}
                  onChange={(e) => set('password', { ...form.password, storage: e.target.checked ? 'plaintext' : 'hash' })}
                />{' '}
                Store in legacy plaintext
              </label>
              <span className="hint">Only for a server still on AWS&apos;s sample Lambda, which cannot read argon2id hashes. Otherwise only the hash is stored.</span>
            </div>
          ) : null}
          {protocols.filter((p) => p !== 'SFTP').length > 0 ? (
            <div className="field">
              <span className="label">Separate password per protocol</span>
              {protocols
                .filter((p) => p !== 'SFTP')
                .map((p) => (
                  <label key={p}>
                    <input
                      type="checkbox"
                      checked={Boolean(form.protocolPasswords[p as 'FTP' | 'FTPS'])}
                      onChange={(e) => set('protocolPasswords', { ...form.protocolPasswords, [p]: e.target.checked })}
                    />{' '}
                    Generate a separate {p} password
                  </label>
                ))}
            </div>
          ) : null}
          <Field
            id="publicKeys"
            label="SSH public keys"
            hint="One OpenSSH public key per line (ssh-ed25519, ecdsa-sha2-nistp256/384/521, or ssh-rsa of 2048 bits or more)."
            errors={errors.publicKeys}
          >
            {(props) => <textarea {...props} rows={3} value={form.publicKeys} spellCheck={false} onChange={(e) => set('publicKeys', e.target.value)} />}
          </Field>
          {preview && preview.publicKeys.length > 0 ? (
            <ul aria-label="Key fingerprints" className="muted">
              {preview.publicKeys.map((key) => (
                <li key={key.fingerprint}>
                  {key.type} {key.bits} bits <code>{key.fingerprint}</code> {key.comment}
                </li>
              ))}
            </ul>
          ) : null}
        </fieldset>

        <fieldset>
          <legend>Access</legend>
          <Field id="role" label="IAM role" hint="A role that trusts transfer.amazonaws.com. Pick one or type its ARN." errors={errors.role}>
            {(props) => (
              <>
                <input {...props} list="role-options" value={form.role} spellCheck={false} onChange={(e) => set('role', e.target.value)} />
                <datalist id="role-options">
                  {roles.map((role) => (
                    <option key={role.arn} value={role.arn}>
                      {role.roleName}
                    </option>
                  ))}
                </datalist>
              </>
            )}
          </Field>
          <div className="row">
            <Field id="uid" label="UID" errors={errors.uid}>
              {(props) => <input {...props} inputMode="numeric" value={String(form.uid)} onChange={(e) => set('uid', e.target.value)} />}
            </Field>
            <Field id="gid" label="GID" errors={errors.gid}>
              {(props) => <input {...props} inputMode="numeric" value={String(form.gid)} onChange={(e) => set('gid', e.target.value)} />}
            </Field>
            <Field id="secondaryGids" label="Secondary GIDs" hint="Comma-separated, up to 16." errors={errors.secondaryGids}>
              {(props) => <input {...props} value={form.secondaryGids} onChange={(e) => set('secondaryGids', e.target.value)} />}
            </Field>
          </div>
          {uidWarning.length > 0 ? (
            <div role="status" aria-live="polite">
              {uidWarning.map((warning) => (
                <p key={warning} className="alert warn">
                  {warning}
                </p>
              ))}
            </div>
          ) : null}
        </fieldset>

        <fieldset>
          <legend>Home directory</legend>
          <div className="field" role="radiogroup" aria-label="Home directory type">
            <label>
              <input type="radio" name="home-mode" checked={form.homeMode === 'root'} onChange={() => set('homeMode', 'root')} /> Restricted to one folder (the user sees
              it as /)
            </label>
            <label>
              <input
                type="radio"
                name="home-mode"
                checked={form.homeMode === 'mappings'}
                onChange={() => setForm((f) => ({ ...f, homeMode: 'mappings', mappings: f.mappings.length ? f.mappings : [{ entry: '/data', location: f.rootLocation, path: f.rootPath }] }))}
              />{' '}
              Several folders (mapping builder)
            </label>
          </div>
          {form.homeMode === 'root' ? (
            <div className="row">
              <LocationSelect id="rootLocation" label={locationLabel} domain={domain} fileSystems={fileSystems} value={form.rootLocation} onChange={(v) => set('rootLocation', v)} />
              <Field id="rootPath" label="Folder" hint="Path inside it, like /home/alice." errors={errors.rootPath}>
                {(props) => <input {...props} value={form.rootPath} spellCheck={false} onChange={(e) => set('rootPath', e.target.value)} />}
              </Field>
            </div>
          ) : (
            <>
              {errors.mappings ? <p className="alert error">{errors.mappings.join(' ')}</p> : null}
              {form.mappings.map((row, index) => (
                <div className="row card" key={index} aria-label={`Mapping ${index + 1}`} role="group">
                  <Field id={`mappings.${index}.entry`} label={`Visible path ${index + 1}`} errors={errors[`mappings.${index}.entry`]}>
                    {(props) => (
                      <input
                        {...props}
                        value={row.entry}
                        spellCheck={false}
                        onChange={(e) => set('mappings', form.mappings.map((m, i) => (i === index ? { ...m, entry: e.target.value } : m)))}
                      />
                    )}
                  </Field>
                  <LocationSelect
                    id={`mappings.${index}.location`}
                    label={`${locationLabel} ${index + 1}`}
                    domain={domain}
                    fileSystems={fileSystems}
                    value={row.location}
                    onChange={(v) => set('mappings', form.mappings.map((m, i) => (i === index ? { ...m, location: v } : m)))}
                  />
                  <Field id={`mappings.${index}.path`} label={`Folder ${index + 1}`} errors={errors[`mappings.${index}.path`]}>
                    {(props) => (
                      <input
                        {...props}
                        value={row.path}
                        spellCheck={false}
                        onChange={(e) => set('mappings', form.mappings.map((m, i) => (i === index ? { ...m, path: e.target.value } : m)))}
                      />
                    )}
                  </Field>
                  <div className="field">
                    <span className="label">&nbsp;</span>
                    <button type="button" onClick={() => set('mappings', form.mappings.filter((_, i) => i !== index))} disabled={form.mappings.length === 1}>
                      Remove mapping {index + 1}
                    </button>
                  </div>
                </div>
              ))}
              <button type="button" onClick={() => set('mappings', [...form.mappings, { entry: '', location: fileSystems[0]?.fileSystemId ?? '', path: '' }])}>
                Add a mapping
              </button>
            </>
          )}
        </fieldset>

        <fieldset>
          <legend>Restrictions (optional)</legend>
          <Field id="acceptedIpNetwork" label="Allowed source networks" hint="CIDRs, comma-separated, IPv4 or IPv6 (like 203.0.113.0/24). Empty allows any address." errors={errors.acceptedIpNetwork}>
            {(props) => <input {...props} value={form.acceptedIpNetwork} spellCheck={false} onChange={(e) => set('acceptedIpNetwork', e.target.value)} />}
          </Field>
          <Field id="expiresAt" label="Expires at" hint="Every login is refused after this moment (your local time)." errors={errors.expiresAt}>
            {(props) => <input {...props} type="datetime-local" value={expiresLocal} onChange={(e) => setExpiresLocal(e.target.value)} />}
          </Field>
          {domain === 'S3' ? (
            <Field id="policy" label="Session policy" hint="JSON, at most 2048 characters. S3 servers only." errors={errors.policy}>
              {(props) => <textarea {...props} rows={4} value={form.policy} spellCheck={false} onChange={(e) => set('policy', e.target.value)} />}
            </Field>
          ) : null}
          {mode === 'edit' ? (
            <label>
              <input type="checkbox" checked={form.disabled} onChange={(e) => set('disabled', e.target.checked)} /> Disabled (refuse every login)
            </label>
          ) : null}
        </fieldset>
        {errors._form ? <p className="alert error">{errors._form.join(' ')}</p> : null}
        <SubmitButton pendingText={mode === 'create' ? 'Creating…' : 'Saving…'}>{mode === 'create' ? 'Create user' : 'Save changes'}</SubmitButton>
      </form>

      <aside className="card" aria-label="Preview" aria-busy={previewPending}>
        <h2 style={{ marginTop: 0 }}>Preview</h2>
        {!preview ? (
          <p className="muted">The stored secret and the Lambda&apos;s answer appear here as you fill in the form.</p>
        ) : preview.storedSecret ? (
          <>
            <h3>Stored secret</h3>
            <pre data-testid="preview-secret">{JSON.stringify(preview.storedSecret, null, 2)}</pre>
            <h3>The Lambda answers a successful login with</h3>
            <pre data-testid="preview-answer">{JSON.stringify(preview.lambdaAnswer, null, 2)}</pre>
          </>
        ) : (
          <>
            <p className="muted">Fix these to see the preview:</p>
            <ul>
              {Object.entries(preview.fieldErrors).map(([field, messages]) => (
                <li key={field}>{messages.join(' ')}</li>
              ))}
            </ul>
          </>
        )}
      </aside>
    </div>
  );
}

function LocationSelect({
  id,
  label,
  domain,
  fileSystems,
  value,
  onChange,
}: {
  id: string;
  label: string;
  domain: 'EFS' | 'S3';
  fileSystems: { fileSystemId: string; name: string | null }[];
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {domain === 'EFS' ? (
        <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">Choose a file system</option>
          {fileSystems.map((fs) => (
            <option key={fs.fileSystemId} value={fs.fileSystemId}>
              {fs.name ? `${fs.name} (${fs.fileSystemId})` : fs.fileSystemId}
            </option>
          ))}
        </select>
      ) : (
        <input id={id} value={value} onChange={(e) => onChange(e.target.value)} />
      )}
    </div>
  );
}
