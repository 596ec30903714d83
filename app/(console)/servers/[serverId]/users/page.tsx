import Link from 'next/link';
import { notFound } from 'next/navigation';
import { LoadError } from '@/components/load-error';
import { hasRole } from '@/lib/auth/roles';
import { requirePageRole } from '@/lib/auth/session';
import { load } from '@/lib/console/load';
import { serverIdFromSegment } from '@/lib/console/route-params';
import { getServer } from '@/lib/console/servers';
import { listUsers } from '@/lib/console/users';
import { RestoreButton } from './restore-button';

export const metadata = { title: 'Users' };

type Props = { params: Promise<{ serverId: string }>; searchParams: Promise<{ q?: string; page?: string; back?: string; deleted?: string; restored?: string }> };

function readTrail(back: string | undefined): string[] {
  if (!back) return [];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(back, 'base64url').toString('utf8'));
    return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string').slice(-50) : [];
  } catch {
    return [];
  }
}

function pageHref(q: string, page: string | undefined, trail: string[]): string {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (page) params.set('page', page);
  if (trail.length) params.set('back', Buffer.from(JSON.stringify(trail)).toString('base64url'));
  const query = params.toString();
  return query ? `?${query}` : '?';
}

export default async function UsersPage({ params, searchParams }: Props) {
  const actor = await requirePageRole('helpdesk');
  const serverId = serverIdFromSegment((await params).serverId);
  if (!serverId) notFound();
  // A repeated parameter arrives as a list; only a single value is meaningful.
  const query = await searchParams;
  const single = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const [q = '', page, back, deleted, restored] = [query.q, query.page, query.back, query.deleted, query.restored].map(single);
  // User names hold only these characters, so any other search has no match: no AWS call needed.
  const searchable = /^[\w@.-]*$/.test(q.trim());
  // The tokens of the pages before this one, so Previous works with AWS's forward-only NextToken.
  const trail = readTrail(back);
  const server = await load('the server', () => getServer(serverId));
  if (server.ok && !server.data) notFound();
  if (server.ok && !server.data!.manageable) {
    return (
      <>
        <h1>{server.data!.name ?? serverId}</h1>
        <p className="alert warn">{server.data!.readOnlyReason}</p>
      </>
    );
  }
  const result = searchable ? await load('the users', () => listUsers(serverId, { prefix: q, nextToken: page })) : { ok: true as const, data: { users: [], nextToken: null, pendingDeletion: [] } };
  const isAdmin = hasRole(actor.role, 'admin');
  return (
    <>
      <p>
        <Link href="/servers">Servers</Link> /
      </p>
      <h1>Users of {server.ok ? (server.data!.name ?? serverId) : serverId}</h1>
      {deleted ? (
        <p className="alert ok" role="status">
          {deleted} was deleted. It can be restored below until its recovery window ends.
        </p>
      ) : null}
      {restored ? (
        <p className="alert ok" role="status">
          {restored} was restored.
        </p>
      ) : null}
      <div className="toolbar">
        <form method="get" role="search" aria-label="Find users" className="toolbar" style={{ margin: 0 }}>
          <div className="field" style={{ margin: 0 }}>
            <label htmlFor="user-search">Find users whose name starts with</label>
            <input id="user-search" name="q" defaultValue={q} autoComplete="off" />
          </div>
          <button type="submit">Search</button>
        </form>
        {isAdmin ? (
          <Link className="button primary" href={`/servers/${serverId}/users/new`}>
            Create user
          </Link>
        ) : null}
        {isAdmin ? (
          <nav aria-label="Bulk tools" className="toolbar" style={{ margin: 0 }}>
            <Link className="button" href={`/servers/${serverId}/import`}>
              Import users
            </Link>
            <Link className="button" href={`/servers/${serverId}/export`}>
              Export users
            </Link>
            <Link className="button" href={`/servers/${serverId}/posture`}>
              Security posture
            </Link>
          </nav>
        ) : null}
      </div>
      {!result.ok ? (
        <LoadError message={result.message} />
      ) : (
        <>
          {result.data.users.length === 0 ? (
            <p>
              {!searchable
                ? `No user name starts with “${q}”: user names hold only letters, digits, _ - . and @.`
                : q
                  ? `No user name starts with “${q}”.`
                  : 'This server has no users yet.'}
            </p>
          ) : (
            <table aria-label="Users">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Sign-in</th>
                  <th scope="col">Home</th>
                  <th scope="col">UID / GID</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last change</th>
                </tr>
              </thead>
              <tbody>
                {result.data.users.map((user) => (
                  <tr key={user.username}>
                    <td>
                      <Link href={`/servers/${serverId}/users/${encodeURIComponent(user.username)}`}>{user.username}</Link>
                    </td>
                    <td>
                      {user.authMethods.length === 0 ? <span className="badge danger">none</span> : null}
                      {user.authMethods.includes('password') ? <span className="badge">{user.passwordMode === 'plaintext' ? 'password (legacy)' : 'password'}</span> : null}
                      {user.authMethods.includes('keys') ? <span className="badge">keys</span> : null}
                    </td>
                    <td>
                      <code>{user.home}</code>
                    </td>
                    <td>{user.uid === null ? '—' : `${user.uid} / ${user.gid}`}</td>
                    <td>
                      {user.disabled ? <span className="badge danger">Disabled</span> : null}
                      {user.expired ? <span className="badge danger">Expired</span> : null}
                      {!user.disabled && !user.expired ? <span className="badge ok">Active</span> : null}
                      {user.problems.length ? <span className="badge warn" title={user.problems.join('; ')}>Needs attention</span> : null}
                    </td>
                    <td>{user.lastChangedAt ? <time dateTime={user.lastChangedAt}>{user.lastChangedAt.slice(0, 16).replace('T', ' ')} UTC</time> : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <nav className="pager" aria-label="Pages">
            {page ? <Link href={pageHref(q, trail.at(-1) || undefined, trail.slice(0, -1))}>Previous page</Link> : null}
            {result.data.nextToken ? <Link href={pageHref(q, result.data.nextToken, [...trail, page ?? ''])}>Next page</Link> : null}
          </nav>
          {result.data.pendingDeletion.length > 0 ? (
            <>
              <h2>Deleted users (recovery window)</h2>
              <table aria-label="Deleted users">
                <thead>
                  <tr>
                    <th scope="col">User</th>
                    <th scope="col">Deleted for good on</th>
                    {isAdmin ? <th scope="col">Restore</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {result.data.pendingDeletion.map((row) => (
                    <tr key={row.username}>
                      <td>{row.username}</td>
                      <td>{row.deletionDate ? <time dateTime={row.deletionDate}>{row.deletionDate.slice(0, 10)}</time> : '—'}</td>
                      {isAdmin ? (
                        <td>
                          <RestoreButton serverId={serverId} username={row.username} />
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
        </>
      )}
    </>
  );
}
