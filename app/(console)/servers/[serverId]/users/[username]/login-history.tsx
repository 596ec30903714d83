'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { ExplainedRecord, LoginHistoryPage } from '@/lib/console/login-history';
import { loginHistoryAction } from './history-actions';

const REFRESH_MS = 10_000;

const moment = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
const methodLabel = (method: ExplainedRecord['method']) => (method === 'publickey' ? 'SSH key' : method === 'password' ? 'password' : '—');

async function fetchPage(serverId: string, username: string, nextToken?: string): Promise<LoginHistoryPage> {
  const form = new FormData();
  if (nextToken) form.set('nextToken', nextToken);
  const state = await loginHistoryAction(serverId, username, { status: 'idle' }, form);
  if (state.status !== 'success' || !state.data) throw new Error(state.status === 'error' ? state.message : 'The login history could not be read.');
  return state.data;
}

/** The last successful login and the recent attempts, newest first; refreshed every 10 s without a reload. */
export function LoginHistory({
  serverId,
  username,
  initial,
  initialError,
}: {
  serverId: string;
  username: string;
  initial: LoginHistoryPage | null;
  initialError?: string;
}) {
  const [first, setFirst] = useState<LoginHistoryPage | null>(initial);
  const [older, setOlder] = useState<ExplainedRecord[]>([]);
  const [olderToken, setOlderToken] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(initialError ?? null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [refreshedAt, setRefreshedAt] = useState<string | null>(null);
  const alive = useRef(true);

  const refresh = useCallback(async () => {
    try {
      const page = await fetchPage(serverId, username);
      if (!alive.current) return;
      setFirst(page);
      setError(null);
      setRefreshedAt(new Date().toISOString());
    } catch (err) {
      if (alive.current) setError(err instanceof Error ? err.message : 'The login history could not be read.');
    }
  }, [serverId, username]);

  useEffect(() => {
    alive.current = true;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, REFRESH_MS);
    return () => {
      alive.current = false;
      clearInterval(timer);
    };
  }, [refresh]);

  const nextToken = olderToken === undefined ? (first?.nextToken ?? null) : olderToken;
  const showOlder = async () => {
    if (!nextToken) return;
    setLoadingOlder(true);
    try {
      const page = await fetchPage(serverId, username, nextToken);
      setOlder((rows) => [...rows, ...page.records]);
      setOlderToken(page.nextToken);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Older logins could not be read.');
    } finally {
      setLoadingOlder(false);
    }
  };

  // Rows already shown among the older pages may reappear at the top after a refresh: show each once.
  const seen = new Set<string>();
  const rows = [...(first?.records ?? []), ...older].filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
  const last = first?.lastSuccess ?? null;

  return (
    <section aria-labelledby="history-heading" className="card">
      <h2 id="history-heading" style={{ marginTop: 0 }}>
        Login history
      </h2>
      {error ? (
        <p className="alert error" role="alert">
          {error}
        </p>
      ) : null}
      <p data-testid="last-login">
        <strong>Last successful login:</strong>{' '}
        {last ? (
          <>
            <time dateTime={last.time}>{moment(last.time)}</time> from {last.sourceIp ?? 'an unknown address'} over {last.protocol ?? '—'} with{' '}
            {methodLabel(last.method)}
          </>
        ) : first ? (
          'none in the last 90 days'
        ) : (
          '—'
        )}
      </p>
      {first && rows.length === 0 ? (
        <p className="muted">No login attempts in the last 90 days. Attempts appear here within seconds of being made.</p>
      ) : null}
      {rows.length ? (
        <table>
          <caption className="muted" style={{ textAlign: 'left' }}>
            Recent attempts, newest first{refreshedAt ? ` (refreshed ${moment(refreshedAt)})` : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Result</th>
              <th scope="col">Reason</th>
              <th scope="col">From</th>
              <th scope="col">Protocol</th>
              <th scope="col">Method</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>
                  <time dateTime={r.time}>{moment(r.time)}</time>
                </td>
                <td>{r.decision === 'allow' ? <span className="badge">Allowed</span> : <span className="badge danger">Refused</span>}</td>
                <td>
                  {r.explanation}
                  {r.keyFingerprint ? (
                    <>
                      {' '}
                      <code>{r.keyFingerprint}</code>
                    </>
                  ) : null}
                </td>
                <td>{r.sourceIp ?? '—'}</td>
                <td>{r.protocol ?? '—'}</td>
                <td>{methodLabel(r.method)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {nextToken ? (
        <button type="button" onClick={() => void showOlder()} disabled={loadingOlder}>
          {loadingOlder ? 'Loading…' : 'Show older attempts'}
        </button>
      ) : null}
    </section>
  );
}
