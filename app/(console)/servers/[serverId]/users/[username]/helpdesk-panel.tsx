'use client';

import { useActionState } from 'react';
import { Field } from '@/components/field';
import { FormMessage } from '@/components/form-message';
import { OneTimeSecret } from '@/components/one-time-secret';
import { SubmitButton } from '@/components/submit-button';
import type { ActionState } from '@/lib/auth/authed-action';
import type { TestLoginResult } from '@/lib/console/users';
import { resetPasswordAction, setUserDisabledAction, testLoginAction } from '../actions';

type Props = { serverId: string; username: string; disabled: boolean; protocols: string[] };

export function HelpdeskPanel({ serverId, username, disabled, protocols }: Props) {
  const [resetState, resetAction] = useActionState<ActionState<{ password: string }>, FormData>(
    resetPasswordAction as (s: ActionState<{ password: string }>, f: FormData) => Promise<ActionState<{ password: string }>>,
    { status: 'idle' },
  );
  const [disableState, disableAction] = useActionState(setUserDisabledAction, { status: 'idle' });
  const [testState, testAction] = useActionState<ActionState<TestLoginResult>, FormData>(
    testLoginAction as (s: ActionState<TestLoginResult>, f: FormData) => Promise<ActionState<TestLoginResult>>,
    { status: 'idle' },
  );
  const testErrors = testState.status === 'error' ? (testState.fieldErrors ?? {}) : {};
  const result = testState.status === 'success' ? testState.data : undefined;

  return (
    <section aria-labelledby="helpdesk-heading" className="card">
      <h2 id="helpdesk-heading" style={{ marginTop: 0 }}>
        Help desk
      </h2>

      <form action={resetAction} aria-label="Reset password">
        <input type="hidden" name="serverId" value={serverId} />
        <input type="hidden" name="username" value={username} />
        <FormMessage state={resetState} />
        {resetState.status === 'success' && resetState.data?.password ? <OneTimeSecret label="New password" value={resetState.data.password} /> : null}
        <SubmitButton pendingText="Resetting…" className="">
          Reset password
        </SubmitButton>
      </form>

      <form action={disableAction} aria-label={disabled ? 'Enable user' : 'Disable user'} style={{ marginTop: 12 }}>
        <input type="hidden" name="serverId" value={serverId} />
        <input type="hidden" name="username" value={username} />
        <input type="hidden" name="disabled" value={disabled ? 'false' : 'true'} />
        <FormMessage state={disableState} />
        <SubmitButton pendingText={disabled ? 'Enabling…' : 'Disabling…'} className={disabled ? '' : 'danger'}>
          {disabled ? 'Enable user' : 'Disable user'}
        </SubmitButton>
      </form>

      <h3>Test login</h3>
      <form action={testAction} aria-label="Test login" noValidate>
        <input type="hidden" name="serverId" value={serverId} />
        <input type="hidden" name="username" value={username} />
        <Field id="test-password" label="Password to test" errors={testErrors.password}>
          {(props) => <input {...props} name="password" type="password" autoComplete="off" />}
        </Field>
        <div className="row">
          <Field id="test-source-ip" label="Source IP (optional)" errors={testErrors.sourceIp}>
            {(props) => <input {...props} name="sourceIp" autoComplete="off" />}
          </Field>
          <div className="field">
            <label htmlFor="test-protocol">Protocol</label>
            <select id="test-protocol" name="protocol" defaultValue="SFTP">
              {protocols.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </div>
        </div>
        <FormMessage state={testState.status === 'error' ? testState : { status: 'idle' }} />
        <SubmitButton pendingText="Testing…" className="">
          Test login
        </SubmitButton>
        <div aria-live="polite" role="status">
          {result ? (
            result.allowed ? (
              <div className="alert ok" data-testid="test-login-result">
                <strong>Allowed.</strong> Role <code>{result.role}</code>
                <br />
                Home: {result.homeDirectoryType === 'LOGICAL' ? result.homeDirectoryMappings.map((m) => `${m.Entry} → ${m.Target}`).join(', ') : (result.homeDirectory ?? '—')}
                <br />
                POSIX profile: {result.posixProfile ? `UID ${result.posixProfile.Uid}, GID ${result.posixProfile.Gid}${result.posixProfile.SecondaryGids?.length ? `, secondary ${result.posixProfile.SecondaryGids.join(', ')}` : ''}` : '—'}
              </div>
            ) : (
              <div className="alert error" data-testid="test-login-result">
                <strong>Denied.</strong> The identity provider refused this login (wrong password, disabled or expired user, or a source IP outside the allow-list).
              </div>
            )
          ) : null}
        </div>
      </form>
    </section>
  );
}
