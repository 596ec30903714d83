'use client';

import { useActionState } from 'react';
import { Field } from '@/components/field';
import { FormMessage } from '@/components/form-message';
import { SubmitButton } from '@/components/submit-button';
import { deleteUserAction } from '../actions';

export function DeleteUser({ serverId, username }: { serverId: string; username: string }) {
  const [state, formAction] = useActionState(deleteUserAction, { status: 'idle' });
  const errors = state.status === 'error' ? (state.fieldErrors ?? {}) : {};
  return (
    <section aria-labelledby="delete-heading" className="card">
      <h2 id="delete-heading" style={{ marginTop: 0 }}>
        Delete user
      </h2>
      <form action={formAction} noValidate>
        <input type="hidden" name="serverId" value={serverId} />
        <input type="hidden" name="username" value={username} />
        <p className="muted">The secret is kept for the recovery window; until then the user can be restored, and every login is refused.</p>
        <Field id="confirmation" label={`Type ${username} to confirm`} errors={errors.confirmation}>
          {(props) => <input {...props} name="confirmation" autoComplete="off" />}
        </Field>
        <Field id="recoveryWindowInDays" label="Recovery window (days)" hint="7 to 30 days." errors={errors.recoveryWindowInDays}>
          {(props) => <input {...props} name="recoveryWindowInDays" type="number" min={7} max={30} defaultValue={7} />}
        </Field>
        <FormMessage state={state} />
        <SubmitButton pendingText="Deleting…" className="danger">
          Delete {username}
        </SubmitButton>
      </form>
    </section>
  );
}
