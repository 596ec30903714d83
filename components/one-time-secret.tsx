'use client';

import { CopyButton } from './copy-button';

/** A password the console has just generated: shown this once, never stored in clear by the console. */
export function OneTimeSecret({ label, value }: { label: string; value: string }) {
  return (
    <div className="alert ok" role="status">
      <p style={{ margin: '0 0 6px' }}>
        <strong>{label}</strong> — shown only now. Copy it and give it to the user through a safe channel.
      </p>
      <div className="secret-reveal">
        <code data-testid="one-time-secret">{value}</code>
        <CopyButton value={value} label={`Copy ${label.toLowerCase()}`} />
      </div>
    </div>
  );
}
