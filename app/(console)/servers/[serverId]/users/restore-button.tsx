'use client';

import { useActionState } from 'react';
import { FormMessage } from '@/components/form-message';
import { SubmitButton } from '@/components/submit-button';
import type { ActionState } from '@/lib/auth/authed-action';
import { restoreUserAction } from './actions';

export function RestoreButton({ serverId, username }: { serverId: string; username: string }) {
  const [state, formAction] = useActionState<ActionState, FormData>(restoreUserAction.bind(null, serverId, username), { status: 'idle' });
  return (
    <form action={formAction}>
      <SubmitButton pendingText="Restoring…" className="">
        Restore {username}
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
