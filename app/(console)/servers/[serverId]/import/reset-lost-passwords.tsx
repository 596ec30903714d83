'use client';

import { useActionState } from 'react';
import { FormMessage } from '@/components/form-message';
import { SubmitButton } from '@/components/submit-button';
import type { ActionState } from '@/lib/auth/authed-action';

type Props = { action: (state: ActionState, formData: FormData) => Promise<ActionState>; count: number };

/** Resets the passwords an import generated and lost; which users is decided on the server, from the job. */
export function ResetLostPasswords({ action, count }: Props) {
  const [state, submit] = useActionState(action, { status: 'idle' });
  return (
    <form action={submit} aria-label="Reset the lost passwords">
      <SubmitButton pendingText="Resetting…" className="primary">
        {count === 1 ? 'Reset this user’s password' : `Reset these ${count} users’ passwords`}
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
