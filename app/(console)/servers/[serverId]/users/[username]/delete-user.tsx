'use client';

import { useActionState } from 'react';
import { ErrorSummary } from '@/components/error-summary';
import { Field } from '@/components/field';
import { SubmitButton } from '@/components/submit-button';
import type { ActionState } from '@/lib/auth/authed-action';
import { fieldLabel } from '@/lib/console/user-form-fields';
import { deleteUserAction } from '../actions';

function one(values: Record<string, string | string[]> | undefined, key: string): string | undefined {
  const value = values && Object.hasOwn(values, key) ? values[key] : undefined;
  return typeof value === 'string' ? value : value?.[0];
}

export function DeleteUser({ serverId, username }: { serverId: string; username: string }) {
  const [state, formAction] = useActionState<ActionState, FormData>(deleteUserAction.bind(null, serverId, username), { status: 'idle' });
  const errors = state.status === 'error' ? (state.fieldErrors ?? {}) : {};
  const values = state.status === 'error' ? state.values : undefined;
  // A new key per refusal re-creates the inputs with exactly what was submitted.
  const key = values ? JSON.stringify(values) : 'initial';
  return (
    <section aria-labelledby="delete-heading" className="card">
      <h2 id="delete-heading" style={{ marginTop: 0 }}>
        Delete user
      </h2>
      <form action={formAction} noValidate key={key}>
        {state.status === 'error' ? (
          <ErrorSummary
            message={state.message}
            fieldErrors={state.fieldErrors}
            labelFor={(f) => fieldLabel(f)}
            trigger={state}
            signInHref={state.code === 'session-ended' ? '/signin' : undefined}
          />
        ) : null}
        <p className="muted">The secret is kept for the recovery window; until then the user can be restored, and every login is refused.</p>
        <Field id="confirmation" label={`Type ${username} to confirm`} errors={errors.confirmation}>
          {(props) => <input {...props} autoComplete="off" defaultValue={one(values, 'confirmation') ?? ''} />}
        </Field>
        <Field id="recoveryWindowInDays" label="Recovery window (days)" hint="7 to 30 days." errors={errors.recoveryWindowInDays}>
          {(props) => <input {...props} type="number" min={7} max={30} defaultValue={one(values, 'recoveryWindowInDays') ?? 7} />}
        </Field>
        <SubmitButton pendingText="Deleting…" className="danger">
          Delete {username}
        </SubmitButton>
      </form>
    </section>
  );
}
