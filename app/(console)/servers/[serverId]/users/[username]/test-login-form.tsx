'use client';

import { useActionState, useState, useTransition, type FormEvent } from 'react';
import { Field } from '@/components/field';
import { FormMessage } from '@/components/form-message';
import { SubmitButton } from '@/components/submit-button';
import type { ActionState } from '@/lib/auth/authed-action';
import type { TestLoginResult } from '@/lib/console/users/test-login';
import { explainTestLoginAction } from './history-actions';

export type KeyOnFile = { line: string; fingerprint: string; comment: string };

function one(values: Record<string, string | string[]> | undefined, key: string): string {
  const value = values && Object.hasOwn(values, key) ? values[key] : undefined;
  return typeof value === 'string' ? value : (value?.[0] ?? '');
}

/** A test login with a password or an SSH key; the answer says why, in the login history's words. */
export function TestLoginForm({
  serverId,
  username,
  protocols,
  keysOnFile,
}: {
  serverId: string;
  username: string;
  protocols: string[];
  keysOnFile: KeyOnFile[];
}) {
  const [state, action, pending] = useActionState<ActionState<TestLoginResult>, FormData>(explainTestLoginAction.bind(null, serverId, username), {
    status: 'idle',
  });
  const [method, setMethod] = useState<'password' | 'publickey'>('password');
  const [, startTest] = useTransition();
  // Dispatched by hand so the browser keeps what was typed (a form action would reset the fields).
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTest(() => action(data));
  };
  const errors = state.status === 'error' ? (state.fieldErrors ?? {}) : {};
  const values = state.status === 'error' ? state.values : undefined;
  const result = state.status === 'success' ? state.data : undefined;

  return (
    <form action={action} onSubmit={onSubmit} aria-label="Test login" noValidate>
      <h3>Test login</h3>
      <fieldset>
        <legend>Sign in with</legend>
        <label>
          <input type="radio" name="method" value="password" checked={method === 'password'} onChange={() => setMethod('password')} /> Password
        </label>{' '}
        <label>
          <input type="radio" name="method" value="publickey" checked={method === 'publickey'} onChange={() => setMethod('publickey')} /> SSH key
        </label>
      </fieldset>
      {method === 'password' ? (
        <Field id="test-password" label="Password to test" errors={errors.password}>
          {(props) => <input {...props} name="password" type="password" autoComplete="off" />}
        </Field>
      ) : (
        <>
          {keysOnFile.length ? (
            <div className="field">
              <label htmlFor="test-key-on-file">Key on file</label>
              <select id="test-key-on-file" name="keyOnFile" defaultValue="">
                <option value="">— paste a key below instead —</option>
                {keysOnFile.map((k) => (
                  <option key={k.fingerprint} value={k.line}>
                    {k.fingerprint} {k.comment}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <Field id="test-public-key" label="Public key to test (OpenSSH line)" errors={errors.publicKey}>
            {(props) => (
              <textarea {...props} name="publicKey" rows={3} autoComplete="off" spellCheck={false} defaultValue={one(values, 'publicKey')} />
            )}
          </Field>
        </>
      )}
      <div className="row">
        <Field id="test-source-ip" label="Source IP (optional)" errors={errors.sourceIp}>
          {(props) => <input {...props} name="sourceIp" autoComplete="off" defaultValue={one(values, 'sourceIp')} />}
        </Field>
        <Field id="test-protocol" label="Protocol" errors={errors.protocol}>
          {(props) => (
            <select {...props} name="protocol" defaultValue={one(values, 'protocol') || 'SFTP'}>
              {protocols.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <FormMessage state={state.status === 'error' ? state : { status: 'idle' }} />
      <SubmitButton pendingText="Testing…" className="" pending={pending}>
        Test login
      </SubmitButton>
      <div aria-live="polite" role="status">
        {result ? (
          <div className={`alert ${result.allowed ? 'ok' : 'error'}`} data-testid="test-login-result">
            <strong>{result.allowed ? 'Allowed.' : 'Denied.'}</strong> {result.explanation}.
            {result.key ? (
              <>
                <br />
                Key <code>{result.key.fingerprint}</code> is {result.key.onFile ? 'on file' : 'not on file'}.
              </>
            ) : null}
            {result.allowed ? (
              <>
                <br />
                Role <code>{result.role}</code>
                <br />
                Home:{' '}
                {result.homeDirectoryType === 'LOGICAL'
                  ? result.homeDirectoryMappings.map((m) => `${m.Entry} → ${m.Target}`).join(', ')
                  : (result.homeDirectory ?? '—')}
                <br />
                POSIX profile:{' '}
                {result.posixProfile
                  ? `UID ${result.posixProfile.Uid}, GID ${result.posixProfile.Gid}${result.posixProfile.SecondaryGids?.length ? `, secondary ${result.posixProfile.SecondaryGids.join(', ')}` : ''}`
                  : '—'}
              </>
            ) : null}
            {result.mismatch ? (
              <>
                <br />
                <em>{result.mismatch}</em>
              </>
            ) : null}
          </div>
        ) : null}
      </div>
    </form>
  );
}
