'use client';

import type { ReactNode } from 'react';
import { useFormStatus } from 'react-dom';

/** `pending` is for forms that dispatch their action themselves; others get it from the form's status. */
export function SubmitButton({
  children,
  pendingText,
  className = 'primary',
  pending: pendingProp,
}: {
  children: ReactNode;
  pendingText: string;
  className?: string;
  pending?: boolean;
}) {
  const status = useFormStatus();
  const pending = pendingProp ?? status.pending;
  return (
    <button type="submit" className={className} disabled={pending} aria-disabled={pending}>
      {pending ? pendingText : children}
    </button>
  );
}
