'use client';

// The fields the create and edit forms share, and the state both keep: named inputs (the form posts
// without script), what was submitted shown again after any refusal, and the live preview.
import {
  useActionState,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
  useTransition,
  type FormEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import { ErrorSummary } from '@/components/error-summary';
import { Field } from '@/components/field';
import type { ActionState } from '@/lib/auth/authed-action';
import { looksLikePrivateKey, PRIVATE_KEY_MESSAGE } from '@/lib/console/browser-checks';
import { FIELD, fieldLabel, mappingField, sentence, userFormFromValues, utcInputValue, type FormValues } from '@/lib/console/user-form-fields';
import type { GeneratedPasswords, UserFormInput } from '@/lib/console/user-form';
import type { UserPreview } from '@/lib/console/users';

export type FormContext = {
  serverId: string;
  domain: 'EFS' | 'S3';
  protocols: string[];
  roles: { roleName: string; arn: string }[];
  fileSystems: { fileSystemId: string; name: string | null }[];
};

export type SaveData = {
  username?: string;
  versionId?: string;
  passwords?: GeneratedPasswords;
  changed?: boolean;
  outcome?: 'saved' | 'unchanged' | 'unconfirmed' | 'created';
};
type Action = (state: ActionState<SaveData>, data: FormData) => Promise<ActionState<SaveData>>;

/** Where the live preview is asked for: a route handler (app/api/servers/[serverId]/users/preview). */
export const userPreviewUrl = (serverId: string) => `/api/servers/${encodeURIComponent(serverId)}/users/preview`;

/** Why the preview panel could not be brought up to date; the last preview stays shown below it. */
export type PreviewNote = { message: string; signIn?: boolean };

type PreviewOutcome = { kind: 'preview'; preview: UserPreview } | { kind: 'note'; note: PreviewNote } | { kind: 'aborted' };

/** One preview request. Never throws: a failure is a note for the panel, a cancelled request is `aborted`. */
async function requestPreview(url: string, data: FormData, signal: AbortSignal): Promise<PreviewOutcome> {
  const body = new URLSearchParams();
  for (const [name, value] of data) if (typeof value === 'string') body.append(name, value);
  let response: Response;
  let answer: unknown;
  try {
    response = await fetch(url, {
      method: 'POST',
      body,
      signal,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { Accept: 'application/json' },
    });
    answer = response.headers.get('content-type')?.startsWith('application/json') ? await response.json() : null;
  } catch {
    if (signal.aborted) return { kind: 'aborted' };
    return { kind: 'note', note: { message: 'The preview was not updated: the console could not be reached.' } };
  }
  const state = answer as (ActionState<UserPreview> & { code?: string }) | null;
  if (response.ok && state?.status === 'success' && state.data) return { kind: 'preview', preview: state.data };
  if (response.status === 401) return { kind: 'note', note: { message: 'Your session has ended, so the preview was not updated.', signIn: true } };
  if (state?.status === 'error') {
    const fields = Object.entries(state.fieldErrors ?? {}).map(([field, messages]) => `${fieldLabel(field)}: ${messages.map(sentence).join(' ')}`);
    return {
      kind: 'note',
      note: { message: `The preview was not updated. ${sentence(state.message)}${fields.length ? ` ${fields.join(' ')}` : ''}` },
    };
  }
  return { kind: 'note', note: { message: `The preview was not updated: the console answered ${response.status}. It is tried again as you type.` } };
}

export function toLocalInput(iso: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function fromLocalInput(local: string): string {
  if (!local) return '';
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** The expiry typed (datetime-local, no zone; null while it follows the stored instant) and its instant. */
type Expiry = { typed: string | null; iso: string };
const noSubscription = () => () => {};

/** The form as it was submitted, from the values a refusal sends back. */
function formFromValues(values: FormValues, fallback: UserFormInput): UserFormInput {
  const read = userFormFromValues(values);
  return {
    ...fallback,
    ...read,
    password: {
      mode: read.password.mode as UserFormInput['password']['mode'],
      storage: read.password.storage as UserFormInput['password']['storage'],
    },
    homeMode: read.homeMode as UserFormInput['homeMode'],
  };
}

/** Fields the admin has not touched follow the stored user; touched ones keep what was typed. */
function rebase(current: UserFormInput, openedAs: UserFormInput, stored: UserFormInput): UserFormInput {
  const next = { ...current } as Record<string, unknown>;
  for (const key of Object.keys(stored) as (keyof UserFormInput)[]) {
    if (JSON.stringify(current[key]) === JSON.stringify(openedAs[key])) next[key] = stored[key];
  }
  return next as UserFormInput;
}

export function useUserForm({
  initial,
  versionId: storedVersionId,
  action,
  previewUrl,
  editing,
  formRef,
  ownWrite = null,
}: {
  initial: UserFormInput;
  versionId?: string;
  action: Action;
  previewUrl: string;
  editing?: string;
  formRef: RefObject<HTMLFormElement | null>;
  /** The latest write another part of this page made to the user; the form takes its version. */
  ownWrite?: { versionId: string; disabled?: boolean } | null;
}) {
  const [state, dispatch, pending] = useActionState<ActionState<SaveData>, FormData>(action, { status: 'idle' });
  // Without script, a refused submit renders a new page: it starts from what was submitted.
  const [form, setForm] = useState<UserFormInput>(() => (state.status === 'error' && state.values ? formFromValues(state.values, initial) : initial));
  // A stored expiry renders in UTC on the server and at hydration (the same markup), then in the
  // browser's zone.
  const [storedExpiry, setExpiry] = useState<Expiry>(() =>
    state.status === 'error' && state.values
      ? {
          typed: typeof state.values[FIELD.expiresAt] === 'string' ? (state.values[FIELD.expiresAt] as string) : '',
          iso: formFromValues(state.values, initial).expiresAt,
        }
      : { typed: null, iso: initial.expiresAt },
  );
  const hydrated = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  const expiry = {
    shown: storedExpiry.typed ?? (hydrated ? toLocalInput(storedExpiry.iso) : utcInputValue(storedExpiry.iso)),
    iso: storedExpiry.iso,
  };
  const setExpiresLocal = (typed: string) => setExpiry({ typed, iso: fromLocalInput(typed) });
  const [versionId, setVersionId] = useState(storedVersionId ?? '');
  const [openedAs, setOpenedAs] = useState({ versionId: storedVersionId, form: initial });
  const [localRefusal, setLocalRefusal] = useState<{ message: string; fieldErrors: Record<string, string[]> } | null>(null);
  const [preview, setPreview] = useState<UserPreview | null>(null);
  const [previewNote, setPreviewNote] = useState<PreviewNote | null>(null);
  const [previewPending, setPreviewPending] = useState(false);
  // The preview request in flight, if any: the only one whose answer may reach the panel.
  const previewInFlight = useRef<AbortController | null>(null);
  const [, startSubmit] = useTransition();

  // The page re-rendered with a newer stored version (after a Disable, a reset or a save here).
  if (storedVersionId && storedVersionId !== openedAs.versionId) {
    setOpenedAs({ versionId: storedVersionId, form: initial });
    setForm((f) => rebase(f, openedAs.form, initial));
    if (storedExpiry.iso === openedAs.form.expiresAt) setExpiry({ typed: null, iso: initial.expiresAt });
    setVersionId(storedVersionId);
  }

  // A write made elsewhere on this page (Disable, reset) is not someone else's change: follow its
  // version, and its Disabled value unless the admin has changed that box here.
  const [seenOwnWrite, setSeenOwnWrite] = useState(ownWrite);
  if (ownWrite !== seenOwnWrite) {
    setSeenOwnWrite(ownWrite);
    if (ownWrite && ownWrite.versionId !== versionId) {
      setVersionId(ownWrite.versionId);
      const disabled = ownWrite.disabled;
      if (disabled !== undefined && form.disabled === openedAs.form.disabled) {
        setForm((f) => ({ ...f, disabled }));
        setOpenedAs((o) => ({ ...o, form: { ...o.form, disabled } }));
      }
    }
  }

  // Each answer: a refusal shows exactly what was submitted; a save moves the form to its version.
  const [seenState, setSeenState] = useState(state);
  if (state !== seenState) {
    setSeenState(state);
    if (state.status === 'error' && state.values) {
      setForm(formFromValues(state.values, form));
      const shown = state.values[FIELD.expiresAt];
      const read = formFromValues(state.values, form).expiresAt;
      setExpiry({ typed: typeof shown === 'string' ? shown : '', iso: read });
    }
    if (state.status === 'success') {
      if (state.data?.versionId) setVersionId(state.data.versionId);
      // A generated password was made once; the next save keeps it unless asked again.
      setForm((f) => ({ ...f, password: { ...f.password, mode: f.password.mode === 'generate' ? 'keep' : f.password.mode }, protocolPasswords: {} }));
    }
  }

  const privateKey = looksLikePrivateKey(form.publicKeys);

  // The preview is computed on the server by the Lambda's own decision code, a moment after typing
  // stops. A private key in the key box is never sent, not even here. A change to the form cancels
  // the preview in flight (it describes a form that no longer is), so only the latest answer is
  // ever shown; it is a plain fetch, not a server action, so a Save never waits behind it.
  useEffect(() => {
    const timer = setTimeout(() => {
      const element = formRef.current;
      if (!element) return;
      const data = new FormData(element);
      if (privateKey) data.delete(FIELD.publicKeys);
      if (editing) data.set('editing', editing);
      previewInFlight.current?.abort();
      const controller = new AbortController();
      previewInFlight.current = controller;
      setPreviewPending(true);
      void requestPreview(previewUrl, data, controller.signal).then((outcome) => {
        if (outcome.kind === 'aborted' || controller.signal.aborted || previewInFlight.current !== controller) return;
        previewInFlight.current = null;
        setPreviewPending(false);
        if (outcome.kind === 'preview') {
          setPreview(outcome.preview);
          setPreviewNote(null);
        } else setPreviewNote(outcome.note);
      });
    }, 400);
    return () => {
      clearTimeout(timer);
      previewInFlight.current?.abort();
    };
  }, [form, storedExpiry, privateKey, editing, previewUrl, formRef]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (privateKey) {
      setLocalRefusal({ message: 'Some fields need attention. Nothing was sent.', fieldErrors: { [FIELD.publicKeys]: [PRIVATE_KEY_MESSAGE] } });
      return;
    }
    setLocalRefusal(null);
    const data = new FormData(event.currentTarget);
    startSubmit(() => dispatch(data));
  };

  const set = <K extends keyof UserFormInput>(key: K, value: UserFormInput[K]) => setForm((f) => ({ ...f, [key]: value }));
  const serverErrors = state.status === 'error' ? (state.fieldErrors ?? {}) : {};
  const errors: Record<string, string[]> = localRefusal
    ? localRefusal.fieldErrors
    : privateKey
      ? { ...serverErrors, [FIELD.publicKeys]: [PRIVATE_KEY_MESSAGE] }
      : serverErrors;
  return {
    form,
    set,
    setForm,
    expiry,
    setExpiresLocal,
    versionId,
    state,
    dispatch,
    pending,
    preview,
    previewPending,
    previewNote,
    onSubmit,
    errors,
    localRefusal,
  };
}

/** The message at the top of the form: a refusal with its summary, or the saved result. */
export function FormTop({
  state,
  localRefusal,
  labelFor,
  children,
}: {
  state: ActionState<SaveData>;
  localRefusal: { message: string; fieldErrors: Record<string, string[]> } | null;
  labelFor: (f: string) => string;
  children?: ReactNode;
}) {
  if (localRefusal)
    return <ErrorSummary message={localRefusal.message} fieldErrors={localRefusal.fieldErrors} labelFor={labelFor} trigger={localRefusal} />;
  if (state.status === 'error') {
    return (
      <ErrorSummary
        message={state.message}
        fieldErrors={state.fieldErrors}
        labelFor={labelFor}
        trigger={state}
        signInHref={state.code === 'session-ended' ? '/signin' : undefined}
      />
    );
  }
  return (
    <div aria-live="polite" role="status">
      {state.status === 'success' && state.message ? <p className="alert ok">{state.message}</p> : null}
      {state.status === 'success' && state.notice ? <p className="alert warn">{state.notice}</p> : null}
      {children}
    </div>
  );
}

type FieldsProps = FormContext & {
  mode: 'create' | 'edit';
  hasPassword: boolean;
  user: ReturnType<typeof useUserForm>;
  warnings: Record<string, string[]>;
};

export function UserFields({ mode, hasPassword, domain, protocols, roles, fileSystems, user, warnings }: FieldsProps) {
  const { form, set, setForm, errors, preview } = user;
  const locationLabel = domain === 'EFS' ? 'File system' : 'Bucket';
  const passwordModeError = errors[FIELD.passwordMode];
  return (
    <>
      {mode === 'create' ? (
        <Field
          id={FIELD.username}
          label="User name"
          hint="3–100 letters, digits, _ - . @; not starting with - . or @; not root."
          errors={errors[FIELD.username]}
          warnings={warnings[FIELD.username]}
        >
          {(props) => <input {...props} value={form.username} autoComplete="off" onChange={(e) => set('username', e.target.value)} />}
        </Field>
      ) : null}

      <fieldset>
        <legend>Sign-in</legend>
        <div
          className="field"
          role="radiogroup"
          aria-labelledby="password-mode-label"
          aria-describedby={passwordModeError ? 'passwordMode-error' : undefined}
          id={FIELD.passwordMode}
          tabIndex={-1}
        >
          <span className="label" id="password-mode-label">
            Password
          </span>
          {mode === 'edit' && hasPassword ? (
            <label>
              <input
                type="radio"
                name={FIELD.passwordMode}
                value="keep"
                checked={form.password.mode === 'keep'}
                onChange={() => set('password', { ...form.password, mode: 'keep' })}
              />{' '}
              Keep the current password
            </label>
          ) : null}
          <label>
            <input
              type="radio"
              name={FIELD.passwordMode}
              value="generate"
              checked={form.password.mode === 'generate'}
              onChange={() => set('password', { ...form.password, mode: 'generate' })}
            />{' '}
            {mode === 'edit' ? 'Generate a new password (shown once)' : 'Generate a password (shown once)'}
          </label>
          <label>
            <input
              type="radio"
              name={FIELD.passwordMode}
              value="none"
              checked={form.password.mode === 'none'}
              onChange={() => set('password', { ...form.password, mode: 'none' })}
            />{' '}
            No password (SSH keys only)
          </label>
          {passwordModeError ? (
            <p className="error" id="passwordMode-error">
              {passwordModeError.map(sentence).join(' ')}
            </p>
          ) : null}
        </div>
        {form.password.mode === 'generate' ? (
          <div className="field">
            <label>
              <input
                type="checkbox"
                name={FIELD.passwordStorage}
                value="plaintext"
                checked={form.password.storage === 'plaintext'}
                onChange={(e) => set('password', { ...form.password, storage: e.target.checked ? 'plaintext' : 'hash' })}
              />{' '}
              Store in legacy plaintext
            </label>
            <span className="hint">
              Only for a server still on AWS&apos;s sample Lambda, which cannot read argon2id hashes. Otherwise only the hash is stored.
            </span>
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
                    name={FIELD.protocolPasswords}
                    value={p}
                    checked={Boolean(form.protocolPasswords[p as 'FTP' | 'FTPS'])}
                    onChange={(e) => set('protocolPasswords', { ...form.protocolPasswords, [p]: e.target.checked })}
                  />{' '}
                  Generate a separate {p} password
                </label>
              ))}
          </div>
        ) : null}
        <Field
          id={FIELD.publicKeys}
          label="SSH public keys"
          hint="One OpenSSH public key per line (ssh-ed25519, ecdsa-sha2-nistp256/384/521, or ssh-rsa of 2048 bits or more)."
          errors={errors[FIELD.publicKeys]}
        >
          {(props) => <textarea {...props} rows={3} value={form.publicKeys} spellCheck={false} onChange={(e) => set('publicKeys', e.target.value)} />}
        </Field>
        {preview && preview.publicKeys.length > 0 ? (
          <ul aria-label="Key fingerprints" className="muted">
            {preview.publicKeys.map((key, index) => (
              <li key={`${index}-${key.fingerprint}`}>
                Key {index + 1}: {key.type} {key.bits} bits <code>{key.fingerprint}</code> {key.comment}
              </li>
            ))}
          </ul>
        ) : null}
      </fieldset>

      <fieldset>
        <legend>Access</legend>
        <Field
          id={FIELD.role}
          label="IAM role"
          hint="A role that trusts transfer.amazonaws.com. Pick one or type its ARN."
          errors={errors[FIELD.role]}
          warnings={warnings[FIELD.role]}
        >
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
          <Field id={FIELD.uid} label="UID" errors={errors[FIELD.uid]} warnings={warnings[FIELD.uid]}>
            {(props) => <input {...props} inputMode="numeric" value={String(form.uid)} onChange={(e) => set('uid', e.target.value)} />}
          </Field>
          <Field id={FIELD.gid} label="GID" errors={errors[FIELD.gid]}>
            {(props) => <input {...props} inputMode="numeric" value={String(form.gid)} onChange={(e) => set('gid', e.target.value)} />}
          </Field>
          <Field id={FIELD.secondaryGids} label="Secondary GIDs" hint="Comma-separated, up to 16." errors={errors[FIELD.secondaryGids]}>
            {(props) => <input {...props} value={form.secondaryGids} onChange={(e) => set('secondaryGids', e.target.value)} />}
          </Field>
        </div>
      </fieldset>

      <fieldset>
        <legend>Home directory</legend>
        <div className="field" role="radiogroup" aria-label="Home directory type" id={FIELD.homeMode} tabIndex={-1}>
          <label>
            <input type="radio" name={FIELD.homeMode} value="path" checked={form.homeMode === 'path'} onChange={() => set('homeMode', 'path')} /> One
            folder at its full path (PATH: the user sees{' '}
            <code>
              /{form.rootLocation || (domain === 'EFS' ? 'fs-…' : 'bucket')}
              {form.rootPath}
            </code>
            )
          </label>
          <label>
            <input type="radio" name={FIELD.homeMode} value="root" checked={form.homeMode === 'root'} onChange={() => set('homeMode', 'root')} />{' '}
            Restricted to one folder (LOGICAL: the user sees it as /)
          </label>
          <label>
            <input
              type="radio"
              name={FIELD.homeMode}
              value="mappings"
              checked={form.homeMode === 'mappings'}
              onChange={() =>
                setForm((f) => ({
                  ...f,
                  homeMode: 'mappings',
                  mappings: f.mappings.length ? f.mappings : [{ entry: '/data', location: f.rootLocation, path: f.rootPath }],
                }))
              }
            />{' '}
            Several folders (LOGICAL mappings)
          </label>
          {errors[FIELD.homeMode] ? <p className="error">{errors[FIELD.homeMode]!.map(sentence).join(' ')}</p> : null}
        </div>
        {form.homeMode !== 'mappings' ? (
          <div className="row">
            <LocationSelect
              id={FIELD.homeLocation}
              label={locationLabel}
              domain={domain}
              fileSystems={fileSystems}
              value={form.rootLocation}
              errors={errors[FIELD.homeLocation]}
              onChange={(v) => set('rootLocation', v)}
            />
            <Field id={FIELD.homeFolder} label="Folder" hint="Path inside it, like /home/alice." errors={errors[FIELD.homeFolder]}>
              {(props) => <input {...props} value={form.rootPath} spellCheck={false} onChange={(e) => set('rootPath', e.target.value)} />}
            </Field>
          </div>
        ) : (
          <>
            {errors[FIELD.mappings] ? (
              <p className="alert error" id={FIELD.mappings} tabIndex={-1}>
                {errors[FIELD.mappings]!.map(sentence).join(' ')}
              </p>
            ) : null}
            {form.mappings.map((row, index) => (
              <div className="row card" key={index} aria-label={`Mapping ${index + 1}`} role="group">
                <Field id={mappingField(index, 'entry')} label={`Visible path ${index + 1}`} errors={errors[mappingField(index, 'entry')]}>
                  {(props) => (
                    <input
                      {...props}
                      value={row.entry}
                      spellCheck={false}
                      onChange={(e) =>
                        set(
                          'mappings',
                          form.mappings.map((m, i) => (i === index ? { ...m, entry: e.target.value } : m)),
                        )
                      }
                    />
                  )}
                </Field>
                <LocationSelect
                  id={mappingField(index, 'location')}
                  label={`${locationLabel} ${index + 1}`}
                  domain={domain}
                  fileSystems={fileSystems}
                  value={row.location}
                  errors={errors[mappingField(index, 'location')]}
                  onChange={(v) =>
                    set(
                      'mappings',
                      form.mappings.map((m, i) => (i === index ? { ...m, location: v } : m)),
                    )
                  }
                />
                <Field id={mappingField(index, 'path')} label={`Folder ${index + 1}`} errors={errors[mappingField(index, 'path')]}>
                  {(props) => (
                    <input
                      {...props}
                      value={row.path}
                      spellCheck={false}
                      onChange={(e) =>
                        set(
                          'mappings',
                          form.mappings.map((m, i) => (i === index ? { ...m, path: e.target.value } : m)),
                        )
                      }
                    />
                  )}
                </Field>
                <div className="field">
                  <span className="label">&nbsp;</span>
                  <button
                    type="button"
                    onClick={() =>
                      set(
                        'mappings',
                        form.mappings.filter((_, i) => i !== index),
                      )
                    }
                    disabled={form.mappings.length === 1}
                  >
                    Remove mapping {index + 1}
                  </button>
                </div>
              </div>
            ))}
            <button
              type="button"
              onClick={() => set('mappings', [...form.mappings, { entry: '', location: fileSystems[0]?.fileSystemId ?? '', path: '' }])}
            >
              Add a mapping
            </button>
          </>
        )}
      </fieldset>

      <fieldset>
        <legend>Restrictions (optional)</legend>
        <Field
          id={FIELD.acceptedIpNetwork}
          label="Allowed source networks"
          hint="CIDRs, comma-separated, IPv4 or IPv6 (like 203.0.113.0/24). Empty allows any address."
          errors={errors[FIELD.acceptedIpNetwork]}
        >
          {(props) => (
            <input {...props} value={form.acceptedIpNetwork} spellCheck={false} onChange={(e) => set('acceptedIpNetwork', e.target.value)} />
          )}
        </Field>
        <Field
          id={FIELD.expiresAt}
          label="Expires at"
          hint="Every login is refused after this moment (your local time)."
          errors={errors[FIELD.expiresAt]}
          warnings={warnings[FIELD.expiresAt]}
        >
          {(props) => <input {...props} type="datetime-local" value={user.expiry.shown} onChange={(e) => user.setExpiresLocal(e.target.value)} />}
        </Field>
        <input type="hidden" name={FIELD.expiresAtIso} value={user.expiry.iso} />
        <input type="hidden" name={FIELD.expiresAtShown} value={user.expiry.shown} />
        {domain === 'S3' ? (
          <Field id={FIELD.policy} label="Session policy" hint="JSON, at most 2048 characters. S3 servers only." errors={errors[FIELD.policy]}>
            {(props) => <textarea {...props} rows={4} value={form.policy} spellCheck={false} onChange={(e) => set('policy', e.target.value)} />}
          </Field>
        ) : null}
        {mode === 'edit' ? (
          <div className="field">
            <label>
              <input
                type="checkbox"
                id={FIELD.disabled}
                name={FIELD.disabled}
                value="true"
                checked={form.disabled}
                onChange={(e) => set('disabled', e.target.checked)}
              />{' '}
              Disabled (refuse every login)
            </label>
          </div>
        ) : null}
      </fieldset>
    </>
  );
}

export function PreviewPanel({ preview, pending, note = null }: { preview: UserPreview | null; pending: boolean; note?: PreviewNote | null }) {
  return (
    <aside className="card" aria-label="Preview" aria-busy={pending}>
      <h2 style={{ marginTop: 0 }}>Preview</h2>
      <div role="status" aria-live="polite" data-testid="preview-note">
        {note ? (
          <p className="alert warn">
            {note.message}
            {note.signIn ? (
              <>
                {' '}
                <a href="/signin">Sign in again</a>.
              </>
            ) : null}
            {preview ? ' What is shown below is from before.' : null}
          </p>
        ) : null}
      </div>
      {preview && preview.warnings.length > 0 ? (
        <div role="status" aria-live="polite">
          {preview.warnings.map((warning) => (
            <p key={warning} className="alert warn">
              {warning}
            </p>
          ))}
        </div>
      ) : null}
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
              <li key={field}>
                {fieldLabel(field)}: {messages.map(sentence).join(' ')}
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}

function LocationSelect({
  id,
  label,
  domain,
  fileSystems,
  value,
  errors,
  onChange,
}: {
  id: string;
  label: string;
  domain: 'EFS' | 'S3';
  fileSystems: { fileSystemId: string; name: string | null }[];
  value: string;
  errors?: string[];
  onChange: (value: string) => void;
}) {
  const known = fileSystems.some((fs) => fs.fileSystemId === value);
  return (
    <Field id={id} label={label} errors={errors}>
      {(props) =>
        domain === 'EFS' ? (
          <select {...props} value={value} onChange={(e) => onChange(e.target.value)}>
            <option value="">Choose a file system</option>
            {fileSystems.map((fs) => (
              <option key={fs.fileSystemId} value={fs.fileSystemId}>
                {fs.name ? `${fs.name} (${fs.fileSystemId})` : fs.fileSystemId}
              </option>
            ))}
            {value && !known ? <option value={value}>{value} (not found in this account)</option> : null}
          </select>
        ) : (
          <input {...props} value={value} onChange={(e) => onChange(e.target.value)} />
        )
      }
    </Field>
  );
}
