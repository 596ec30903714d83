'use client';

import { useActionState } from 'react';
import { FormMessage } from '@/components/form-message';
import { SubmitButton } from '@/components/submit-button';
import type { ActionState } from '@/lib/auth/authed-action';

type Props = { action: (state: ActionState, formData: FormData) => Promise<ActionState>; count: number; recognised: boolean; users: string[] };

export function UpgradeForm({ action, count, recognised, users }: Props) {
  const [state, submit] = useActionState(action, { status: 'idle' });
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  return (
    <form action={submit} aria-label="Upgrade plaintext passwords">
      <div className="field">
        <label htmlFor="upgrade-username">Which users</label>
        <select id="upgrade-username" name="username" defaultValue="">
          <option value="">All {count} users with a plaintext password</option>
          {users.map((u) => (
            <option key={u} value={u}>
              {u}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label>
          <input type="checkbox" name="understood" aria-describedby={errors?.understood ? 'understood-error' : undefined} /> I understand that only a
          Lambda that verifies argon2id hashes can log these users in afterwards
        </label>
        {errors?.understood ? (
          <p id="understood-error" className="error">
            {errors.understood[0]}
          </p>
        ) : null}
      </div>
      {!recognised ? (
        <div className="field">
          <label>
            <input type="checkbox" name="override" /> Override: this server’s Lambda is not recognised as Transfer Desk’s, but I have checked that it
            verifies argon2id hashes
          </label>
        </div>
      ) : null}
      <SubmitButton pendingText="Starting…" className="danger">
        Upgrade to argon2id
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
