'use client';

import { useActionState } from 'react';
import { FormMessage } from '@/components/form-message';
import { SubmitButton } from '@/components/submit-button';
import { restoreUserAction } from './actions';

export function RestoreButton({ serverId, username }: { serverId: string; username: string }) {
  const [state, formAction] = useActionState(restoreUserAction, { status: 'idle' });
  return (
    <form action={formAction}>
      <input type="hidden" name="serverId" value={serverId} />
      <input type="hidden" name="username" value={username} />
      <SubmitButton pendingText="Restoring…" className="">
        Restore {username}
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
