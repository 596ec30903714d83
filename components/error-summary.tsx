'use client';

import { useEffect, useRef } from 'react';
import { sentence } from '@/lib/console/user-form-fields';

/**
 * The top of a refused form: what happened, then every field with a problem, each a link to the
 * field. It takes focus each time a new refusal arrives, so keyboard and screen-reader users land on it.
 */
export function ErrorSummary({
  message,
  fieldErrors,
  labelFor,
  signInHref,
  trigger,
}: {
  message: string;
  fieldErrors?: Record<string, string[]>;
  labelFor: (field: string) => string;
  signInHref?: string;
  /** Changes with every refusal (the action state object), so a repeated refusal takes focus again. */
  trigger: unknown;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [trigger]);
  const entries = Object.entries(fieldErrors ?? {});
  return (
    <div ref={ref} className="alert error error-summary" role="alert" tabIndex={-1}>
      <p style={{ margin: 0 }}>
        <strong>{sentence(message)}</strong>
        {signInHref ? (
          <>
            {' '}
            <a href={signInHref} target="_blank" rel="noopener">
              Sign in in a new tab
            </a>
            , then submit again: nothing you typed is lost.
          </>
        ) : null}
      </p>
      {entries.length > 0 ? (
        <ul style={{ margin: '6px 0 0' }}>
          {entries.map(([field, messages]) => (
            <li key={field}>
              {field === '_form' ? (
                messages.map(sentence).join(' ')
              ) : (
                <a href={`#${field}`}>
                  {labelFor(field)}: {messages.map(sentence).join(' ')}
                </a>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
