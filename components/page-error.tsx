'use client';

import Link from 'next/link';

// A route segment's error boundary. The error's text is never shown: it may hold input. Next gives a
// digest that matches the server log.
export function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <>
      <h1>Something went wrong</h1>
      <p className="alert error" role="alert">
        This page could not be shown. Nothing was changed. Try again, and if it keeps failing, check the server log
        {error.digest ? ` (reference ${error.digest})` : ''}.
      </p>
      <p className="toolbar">
        <button type="button" onClick={() => reset()}>
          Try again
        </button>
        <Link className="button" href="/servers">
          Back to servers
        </Link>
      </p>
    </>
  );
}
