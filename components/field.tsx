import type { ReactNode } from 'react';
import { sentence } from '@/lib/console/user-form-fields';

/** A labelled control whose hint, errors and warnings are tied to it through aria-describedby. */
export function Field({
  id,
  label,
  hint,
  errors,
  warnings,
  children,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  errors?: string[];
  warnings?: string[];
  children: (props: { id: string; name: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors?.length ? `${id}-error` : undefined;
  const warningId = warnings?.length ? `${id}-warning` : undefined;
  const describedBy = [hintId, errorId, warningId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, name: id, ...(describedBy ? { 'aria-describedby': describedBy } : {}), ...(errorId ? { 'aria-invalid': true } : {}) })}
      {hint ? (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      {errorId ? (
        <p className="error" id={errorId}>
          {errors!.map(sentence).join(' ')}
        </p>
      ) : null}
      {warningId ? (
        <p className="warning" id={warningId}>
          {warnings!.map(sentence).join(' ')}
        </p>
      ) : null}
    </div>
  );
}
