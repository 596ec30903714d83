'use client';

import { useId } from 'react';
import { CopyButton } from '@/components/copy-button';
import { connectionText, type ConnectionDetails } from '@/lib/console/connection';

/** Connection instructions ready to send; a password appears only right after it was generated. */
export function ConnectionInstructions({ details, password }: { details: ConnectionDetails; password?: string }) {
  const text = connectionText(details, password);
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="card">
      <h2 id={headingId} style={{ marginTop: 0 }}>
        Connection instructions
      </h2>
      {password ? (
        <p className="alert warn">The new password is shown only now, inside these instructions. Send them through a safe channel.</p>
      ) : null}
      <dl data-testid="connection-instructions">
        <dt>Host</dt>
        <dd>
          <code data-testid="connection-host">{details.host}</code>
        </dd>
        <dt>Port</dt>
        <dd>
          <code data-testid="connection-port">{details.port}</code>
        </dd>
        <dt>User name</dt>
        <dd>
          <code>{details.username}</code>
        </dd>
        {password ? (
          <>
            <dt>Password</dt>
            <dd>
              <code data-testid="connection-password">{password}</code>
            </dd>
          </>
        ) : null}
        <dt>Host-key fingerprint</dt>
        <dd>
          <code data-testid="connection-fingerprint">{details.hostKeyFingerprint ?? 'not published by the server'}</code>
        </dd>
        <dt>Folders</dt>
        <dd>{details.folders.length ? details.folders.join(', ') : 'the home folder'}</dd>
      </dl>
      <CopyButton value={text} label="Copy instructions as text" />
    </section>
  );
}
