import Link from 'next/link';
import { LoadError } from '@/components/load-error';
import { requirePageRole } from '@/lib/auth/session';
import { listAudit } from '@/lib/console/audit';
import { load } from '@/lib/console/load';

export const metadata = { title: 'Audit trail' };

type Search = { serverId?: string; username?: string; actor?: string; action?: string; from?: string; to?: string; before?: string };

export default async function AuditPage({ searchParams }: { searchParams: Promise<Search> }) {
  await requirePageRole('helpdesk');
  const search = await searchParams;
  const date = (value?: string) => (value && !Number.isNaN(Date.parse(value)) ? new Date(value) : undefined);
  const result = await load('the audit trail', () =>
    listAudit({ serverId: search.serverId, username: search.username, actor: search.actor, action: search.action, from: date(search.from), to: date(search.before) ? new Date(date(search.before)!.getTime() - 1) : date(search.to) }),
  );
  return (
    <>
      <h1>Audit trail</h1>
      <form className="toolbar" method="get" role="search" aria-label="Filter the audit trail">
        {(['serverId', 'username', 'actor'] as const).map((key) => (
          <div className="field" key={key}>
            <label htmlFor={`audit-${key}`}>{key === 'serverId' ? 'Server' : key === 'username' ? 'User' : 'Changed by'}</label>
            <input id={`audit-${key}`} name={key} defaultValue={search[key] ?? ''} />
          </div>
        ))}
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <select id="audit-action" name="action" defaultValue={search.action ?? ''}>
            <option value="">Any</option>
            {['user.create', 'user.update', 'user.reset-password', 'user.disable', 'user.enable', 'user.delete', 'user.restore', 'user.test-login'].map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-from">From</label>
          <input id="audit-from" name="from" type="date" defaultValue={search.from ?? ''} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">To</label>
          <input id="audit-to" name="to" type="date" defaultValue={search.to ?? ''} />
        </div>
        <button type="submit">Filter</button>
      </form>
      {!result.ok ? (
        <LoadError message={result.message} />
      ) : result.data.records.length === 0 ? (
        <p>No audit records match.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Server</th>
              <th scope="col">User</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {result.data.records.map((record, index) => (
              <tr key={`${record.time}-${index}`}>
                <td>
                  <time dateTime={record.time}>{record.time.replace('T', ' ').slice(0, 19)} UTC</time>
                </td>
                <td>
                  {record.actor} <span className="badge">{record.actorRole}</span>
                </td>
                <td>{record.action}</td>
                <td>
                  <code>{record.serverId}</code>
                </td>
                <td>{record.username}</td>
                <td className="muted">{record.details ? Object.entries(record.details).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`).join('; ') : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result.ok && result.data.olderThan ? (
        <nav className="pager" aria-label="Pages">
          <Link href={`?${new URLSearchParams({ ...Object.fromEntries(Object.entries(search).filter(([k, v]) => k !== 'before' && v)), before: result.data.olderThan }).toString()}`}>Older records</Link>
        </nav>
      ) : null}
    </>
  );
}
