import Link from 'next/link';
import { LoadError } from '@/components/load-error';
import { requirePageRole } from '@/lib/auth/session';
import { AUDIT_ACTIONS, listAudit, type AuditRecord } from '@/lib/console/audit';
import { load } from '@/lib/console/load';

export const metadata = { title: 'Audit trail' };

const TEXT_FILTERS = [
  { key: 'q', label: 'Search' },
  { key: 'actor', label: 'Changed by' },
  { key: 'username', label: 'User' },
  { key: 'server', label: 'Server (name or id)' },
] as const;

type SearchKey = (typeof TEXT_FILTERS)[number]['key'] | 'serverId' | 'action' | 'from' | 'to' | 'before';
type Search = Partial<Record<SearchKey, string | string[]>>;

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.slice(0, 200);

function Details({ record }: { record: AuditRecord }) {
  const reason = typeof record.details?.reason === 'string' ? record.details.reason : null;
  const other = Object.entries(record.details ?? {}).filter(([key]) => key !== 'reason' && key !== 'changed');
  return (
    <>
      {reason ? (
        <p>
          Reason: <q>{reason}</q>
        </p>
      ) : null}
      {record.changes?.length ? (
        <ul aria-label="Changes">
          {record.changes.map((change) => (
            <li key={change.field}>
              {change.field}: {change.from ?? '(none)'} → {change.to ?? '(none)'}
            </li>
          ))}
        </ul>
      ) : null}
      {other.length ? <p className="muted">{other.map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`).join('; ')}</p> : null}
    </>
  );
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Search> }) {
  await requirePageRole('helpdesk');
  const raw = await searchParams;
  const search = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, single(v)])) as Partial<Record<SearchKey, string>>;
  const date = (value?: string) => (value && !Number.isNaN(Date.parse(value)) ? new Date(value) : undefined);
  // "To" is a whole day: records up to the end of it.
  const to = date(search.before)
    ? new Date(date(search.before)!.getTime() - 1)
    : date(search.to)
      ? new Date(date(search.to)!.getTime() + 86_400_000 - 1)
      : undefined;
  const action = AUDIT_ACTIONS.find((a) => a === search.action);
  const result = await load('the audit trail', () =>
    listAudit({
      text: search.q,
      actor: search.actor,
      username: search.username,
      server: search.server ?? search.serverId,
      action,
      from: date(search.from),
      to,
    }),
  );
  return (
    <>
      <h1>Audit trail</h1>
      <form className="toolbar" method="get" role="search" aria-label="Filter the audit trail">
        {TEXT_FILTERS.map(({ key, label }) => (
          <div className="field" key={key}>
            <label htmlFor={`audit-${key}`}>{label}</label>
            <input
              id={`audit-${key}`}
              name={key}
              type="search"
              defaultValue={key === 'server' ? (search.server ?? search.serverId ?? '') : (search[key] ?? '')}
            />
          </div>
        ))}
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <select id="audit-action" name="action" defaultValue={action ?? ''}>
            <option value="">Any</option>
            {AUDIT_ACTIONS.map((a) => (
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
      <p className="muted">Search, user, changed by and server match any part of the value, ignoring case; server matches its name or its id.</p>
      {result.ok && result.data.queued > 0 ? (
        <p className="alert warn" role="status">
          {result.data.queued} audit {result.data.queued === 1 ? 'record is' : 'records are'} queued on the console server and not yet in CloudWatch
          Logs; they are written automatically.
        </p>
      ) : null}
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
              <tr key={record.id ?? `${record.time}-${index}`}>
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
                <td>
                  <Details record={record} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result.ok && result.data.olderThan ? (
        <nav className="pager" aria-label="Pages">
          <Link
            href={`?${new URLSearchParams({ ...Object.fromEntries(Object.entries(search).filter((entry): entry is [string, string] => entry[0] !== 'before' && Boolean(entry[1]))), before: result.data.olderThan }).toString()}`}
          >
            Older records
          </Link>
        </nav>
      ) : null}
    </>
  );
}
