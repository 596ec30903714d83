import Link from 'next/link';
import { notFound } from 'next/navigation';
import { LoadError } from '@/components/load-error';
import { hasRole } from '@/lib/auth/roles';
import { AUDIT_NOTICES } from '@/lib/console/audit';
import { ATTENTION_LABELS, isAttentionCategory, type AttentionCategory } from '@/lib/console/user-index-attention';
import { requirePageRole } from '@/lib/auth/session';
import { load } from '@/lib/console/load';
import { serverIdFromSegment } from '@/lib/console/route-params';
import { getServer } from '@/lib/console/servers';
import { listPendingDeletion, listUsers, USER_SORTS, USER_STATUSES, type UserSort, type UserStatus } from '@/lib/console/users';
import { RestoreButton } from './restore-button';

export const metadata = { title: 'Users' };

type Query = {
  q?: string;
  status?: string;
  attention?: string;
  sort?: string;
  order?: string;
  p?: string;
  page?: string;
  back?: string;
  dp?: string;
  deleted?: string;
  restored?: string;
  audit?: string;
};
type Props = { params: Promise<{ serverId: string }>; searchParams: Promise<Query> };

const STATUS_LABELS: Record<UserStatus, string> = {
  active: 'Active',
  disabled: 'Disabled',
  expired: 'Expired',
  expiring: 'Expiring within 30 days',
  plaintext: 'Plaintext password',
  'never-logged-in': 'Never logged in (90 days)',
};
const SORT_LABELS: Record<UserSort, string> = { name: 'Name', changed: 'Last change', expiry: 'Expiry', login: 'Last login' };

function readTrail(back: string | undefined): string[] {
  if (!back) return [];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(back, 'base64url').toString('utf8'));
    return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string').slice(-50) : [];
  } catch {
    return [];
  }
}

/** The list's own state in the URL, so every view can be bookmarked, shared and reloaded. */
type View = { q: string; status?: UserStatus; attention?: AttentionCategory; sort: UserSort; order: 'asc' | 'desc' };

function href(view: View, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  if (view.q) params.set('q', view.q);
  if (view.status) params.set('status', view.status);
  if (view.attention) params.set('attention', view.attention);
  if (view.sort !== 'name') params.set('sort', view.sort);
  if (view.order !== 'asc') params.set('order', view.order);
  for (const [key, value] of Object.entries(extra)) if (value) params.set(key, value);
  const query = params.toString();
  return query ? `?${query}` : '?';
}

const trailParam = (trail: string[]) => (trail.length ? Buffer.from(JSON.stringify(trail)).toString('base64url') : undefined);

export default async function UsersPage({ params, searchParams }: Props) {
  let actor = await requirePageRole('helpdesk');
  const serverId = serverIdFromSegment((await params).serverId);
  if (!serverId) notFound();
  // A repeated parameter arrives as a list; only a single value is meaningful.
  const query = await searchParams;
  const single = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const [q = '', statusParam, attentionParam, sortParam, orderParam, pageNumber, page, back, deletedPage, deleted, restored] = [
    query.q,
    query.status,
    query.attention,
    query.sort,
    query.order,
    query.p,
    query.page,
    query.back,
    query.dp,
    query.deleted,
    query.restored,
  ].map(single);
  const view: View = {
    q: q.trim().slice(0, 100),
    status: (USER_STATUSES as readonly string[]).includes(statusParam ?? '') ? (statusParam as UserStatus) : undefined,
    attention: isAttentionCategory(attentionParam) ? attentionParam : undefined,
    sort: (USER_SORTS as readonly string[]).includes(sortParam ?? '') ? (sortParam as UserSort) : 'name',
    order: orderParam === 'desc' ? 'desc' : 'asc',
  };
  // The tokens of the pages before this one, so Previous works with AWS's forward-only NextToken
  // (only before the user index is built; the indexed list pages by number).
  const trail = readTrail(back);
  // The security posture's filters are the admins' (as the posture page is): checked here, on the server.
  if (attentionParam !== undefined) actor = await requirePageRole('admin');
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
  const requestedPage = Number.parseInt(pageNumber ?? '1', 10);
  const [result, pending] = await Promise.all([
    load('the users', () =>
      listUsers(serverId, {
        search: view.q,
        status: view.status,
        attention: view.attention,
        sort: view.sort,
        order: view.order,
        page: Number.isFinite(requestedPage) && requestedPage > 0 ? requestedPage : 1,
        nextToken: page,
        // A small server's index is built within this wait; a large one's keeps building behind the page.
        waitMs: 1_000,
      }),
    ),
    deletedPage ? load('the deleted users', () => listPendingDeletion(serverId, deletedPage)) : Promise.resolve(null),
  ]);
  const isAdmin = hasRole(actor.role, 'admin');
  const deletedRows = pending ? (pending.ok ? pending.data.rows : []) : result.ok ? result.data.pendingDeletion : [];
  const deletedNext = pending ? (pending.ok ? pending.data.nextToken : null) : result.ok ? result.data.pendingDeletionNextToken : null;
  const sortLink = (sort: UserSort, label: string) => {
    const active = view.sort === sort;
    const order = active && view.order === 'asc' ? 'desc' : 'asc';
    return (
      <Link
        href={href({ ...view, sort, order })}
        title={`Sort by ${SORT_LABELS[sort].toLowerCase()}, ${order === 'asc' ? 'ascending' : 'descending'}`}
      >
        {label}
        {active ? (view.order === 'asc' ? ' ▲' : ' ▼') : ''}
      </Link>
    );
  };
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
      {(deleted || restored) && single(query.audit) === 'queued' ? <p className="alert warn">{AUDIT_NOTICES.queued}</p> : null}
      <div className="toolbar">
        <form method="get" role="search" aria-label="Find users" className="toolbar" style={{ margin: 0 }}>
          <div className="field" style={{ margin: 0 }}>
            <label htmlFor="user-search">Find users whose name contains</label>
            <input id="user-search" name="q" defaultValue={view.q} autoComplete="off" maxLength={100} />
          </div>
          <div className="field" style={{ margin: 0 }}>
            <label htmlFor="user-status">Status</label>
            <select id="user-status" name="status" defaultValue={view.status ?? ''}>
              <option value="">Any</option>
              {USER_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {STATUS_LABELS[status]}
                </option>
              ))}
            </select>
          </div>
          <div className="field" style={{ margin: 0 }}>
            <label htmlFor="user-sort">Sort by</label>
            <select id="user-sort" name="sort" defaultValue={view.sort}>
              {USER_SORTS.map((sort) => (
                <option key={sort} value={sort}>
                  {SORT_LABELS[sort]}
                </option>
              ))}
            </select>
          </div>
          <div className="field" style={{ margin: 0 }}>
            <label htmlFor="user-order">Order</label>
            <select id="user-order" name="order" defaultValue={view.order}>
              <option value="asc">Ascending</option>
              <option value="desc">Descending</option>
            </select>
          </div>
          {view.attention ? <input type="hidden" name="attention" value={view.attention} /> : null}
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
      {attentionParam !== undefined && !view.attention ? (
        <p className="alert error" role="alert">
          “{attentionParam.slice(0, 40)}” is not a security posture category; the whole list is shown.{' '}
          <Link href={`/servers/${serverId}/posture`}>Security posture</Link>
        </p>
      ) : null}
      {view.attention ? (
        <div className="alert warn" role="region" aria-label="Security posture filter">
          <p style={{ margin: 0 }}>
            Showing only <strong>{ATTENTION_LABELS[view.attention].title.toLowerCase()}</strong>
            {result.ok && result.data.attention ? ` (${result.data.attention.total} users on this server)` : ''}, from the{' '}
            <Link href={`/servers/${serverId}/posture`}>security posture</Link>. {ATTENTION_LABELS[view.attention].why}
          </p>
          <p style={{ margin: 0 }}>
            <Link href={href({ ...view, attention: undefined })}>Show all users</Link>
          </p>
        </div>
      ) : null}
      {!result.ok ? (
        <LoadError message={result.message} />
      ) : (
        <>
          {result.data.indexed ? (
            <p className="muted" role="status">
              {result.data.total === 1 ? '1 user' : `${result.data.total} users`}
              {view.q || view.status || view.attention ? ' match' : ''}. Statuses as of {Math.round((result.data.indexAgeMs ?? 0) / 1000)} s ago; the
              rows shown are read fresh.
            </p>
          ) : (
            <p className="alert warn" role="status">
              This server’s user index is still being built ({result.data.indexProgress} users read so far): until then the list is in name order,
              search matches the beginning of names, and status filters and sorting wait for it. Reload in a moment.
            </p>
          )}
          {result.data.loginsUnavailable ? (
            <p className="alert warn" role="status">
              The login records could not be read ({result.data.loginsUnavailable}), so the last-login column is empty for now.
            </p>
          ) : null}
          {result.data.users.length === 0 ? (
            <p>
              {(view.status || view.attention) && !result.data.indexed
                ? 'Status and security posture filters are available once the user index is built.'
                : view.q
                  ? result.data.indexed
                    ? `No user name contains “${view.q}”${view.status ? ` among ${STATUS_LABELS[view.status].toLowerCase()} users` : ''}.`
                    : `No user name starts with “${view.q}”.`
                  : view.status
                    ? `No ${STATUS_LABELS[view.status].toLowerCase()} users.`
                    : view.attention
                      ? `No users: ${ATTENTION_LABELS[view.attention].title.toLowerCase()}.`
                      : 'This server has no users yet.'}
            </p>
          ) : (
            <table aria-label="Users">
              <thead>
                <tr>
                  <th scope="col" aria-sort={view.sort === 'name' ? (view.order === 'asc' ? 'ascending' : 'descending') : undefined}>
                    {result.data.indexed ? sortLink('name', 'User') : 'User'}
                  </th>
                  <th scope="col">Sign-in</th>
                  <th scope="col">Home</th>
                  <th scope="col">UID / GID</th>
                  <th scope="col">Status</th>
                  <th scope="col" aria-sort={view.sort === 'expiry' ? (view.order === 'asc' ? 'ascending' : 'descending') : undefined}>
                    {result.data.indexed ? sortLink('expiry', 'Expiry') : 'Expiry'}
                  </th>
                  <th scope="col" aria-sort={view.sort === 'changed' ? (view.order === 'asc' ? 'ascending' : 'descending') : undefined}>
                    {result.data.indexed ? sortLink('changed', 'Last change') : 'Last change'}
                  </th>
                  <th scope="col" aria-sort={view.sort === 'login' ? (view.order === 'asc' ? 'ascending' : 'descending') : undefined}>
                    {result.data.indexed ? sortLink('login', 'Last login') : 'Last login'}
                  </th>
                  {view.attention ? <th scope="col">Why listed</th> : null}
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
                      {user.authMethods.includes('password') ? (
                        <span className="badge">{user.passwordMode === 'plaintext' ? 'password (legacy)' : 'password'}</span>
                      ) : null}
                      {user.authMethods.includes('keys') ? <span className="badge">keys</span> : null}
                    </td>
                    <td>
                      <code>{user.home}</code>
                    </td>
                    <td>{user.uid === null ? '—' : `${user.uid} / ${user.gid}`}</td>
                    <td>
                      {user.statuses.includes('disabled') ? <span className="badge danger">Disabled</span> : null}
                      {user.statuses.includes('expired') ? <span className="badge danger">Expired</span> : null}
                      {user.statuses.includes('active') ? <span className="badge ok">Active</span> : null}
                      {user.statuses.includes('expiring') ? <span className="badge warn">Expires within 30 days</span> : null}
                      {user.statuses.includes('plaintext') ? <span className="badge warn">Plaintext password</span> : null}
                      {user.statuses.includes('never-logged-in') ? <span className="badge">Never logged in</span> : null}
                      {user.problems.length ? (
                        <span className="badge warn" title={user.problems.join('; ')}>
                          Needs attention
                        </span>
                      ) : null}
                    </td>
                    <td>{user.expiresAt ? <time dateTime={user.expiresAt}>{user.expiresAt.slice(0, 16).replace('T', ' ')} UTC</time> : '—'}</td>
                    <td>
                      {user.lastChangedAt ? <time dateTime={user.lastChangedAt}>{user.lastChangedAt.slice(0, 16).replace('T', ' ')} UTC</time> : '—'}
                    </td>
                    <td>
                      {user.lastLoginAt ? (
                        <time dateTime={user.lastLoginAt}>{user.lastLoginAt.slice(0, 16).replace('T', ' ')} UTC</time>
                      ) : user.lastLoginAt === null ? (
                        <span className="muted">never (90 days)</span>
                      ) : (
                        '—'
                      )}
                    </td>
                    {view.attention ? <td>{user.attentionDetail ?? '—'}</td> : null}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <nav className="pager" aria-label="Pages">
            {result.data.indexed ? (
              <>
                {result.data.page > 1 ? <Link href={href(view, { p: String(result.data.page - 1) })}>Previous page</Link> : null}
                {(result.data.pageCount ?? 1) > 1 ? (
                  <span className="muted">
                    Page {result.data.page} of {result.data.pageCount}
                  </span>
                ) : null}
                {result.data.page < (result.data.pageCount ?? 1) ? (
                  <Link href={href(view, { p: String(result.data.page + 1) })}>Next page</Link>
                ) : null}
              </>
            ) : (
              <>
                {page ? (
                  <Link href={href(view, { page: trail.at(-1) || undefined, back: trailParam(trail.slice(0, -1)) })}>Previous page</Link>
                ) : null}
                {result.data.nextToken ? (
                  <Link href={href(view, { page: result.data.nextToken, back: trailParam([...trail, page ?? '']) })}>Next page</Link>
                ) : null}
              </>
            )}
          </nav>
        </>
      )}
      {pending && !pending.ok ? <LoadError message={pending.message} /> : null}
      {deletedRows.length > 0 || deletedPage ? (
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
              {deletedRows.map((row) => (
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
          <nav className="pager" aria-label="Pages of deleted users">
            {deletedPage ? <Link href={href(view)}>First deleted users</Link> : null}
            {deletedNext ? <Link href={href(view, { dp: deletedNext })}>More deleted users</Link> : null}
          </nav>
        </>
      ) : null}
    </>
  );
}
