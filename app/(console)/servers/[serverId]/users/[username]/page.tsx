import Link from 'next/link';
import { notFound } from 'next/navigation';
import { LoadError } from '@/components/load-error';
import { hasRole } from '@/lib/auth/roles';
import { requirePageRole } from '@/lib/auth/session';
import { NotFoundError } from '@/lib/console/errors';
import { listFileSystems } from '@/lib/console/file-systems';
import { aws } from '@/lib/aws/clients';
import { connectionDetails } from '@/lib/console/connection';
import { loginHistory } from '@/lib/console/login-history';
import { load } from '@/lib/console/load';
import { userActivity, type UserActivity } from '@/lib/console/users/user-activity';
import { formatMoment } from '@/lib/console/login-reasons';
import { listTransferRoles } from '@/lib/console/roles';
import { serverIdFromSegment, usernameFromSegment } from '@/lib/console/route-params';
import { getServer } from '@/lib/console/servers';
import { cachedUser } from './cached-user';
import { DeleteUser } from './delete-user';
import { EditUserForm } from './edit-user-form';
import { ConnectionInstructions } from '@/components/connection-instructions';
import { HelpdeskPanel } from './helpdesk-panel';
import { LoginHistory } from './login-history';
import { UserWritesProvider } from './user-writes';

type Props = { params: Promise<{ serverId: string; username: string }> };

export async function generateMetadata({ params }: Props) {
  const { username } = await params;
  return { title: usernameFromSegment(username) ?? 'User not found' };
}

export default async function UserPage({ params }: Props) {
  const actor = await requirePageRole('helpdesk');
  const segments = await params;
  const serverId = serverIdFromSegment(segments.serverId);
  const username = usernameFromSegment(segments.username);
  if (!serverId || !username) notFound();
  const isAdmin = hasRole(actor.role, 'admin');
  const result = await load('this user', async () => {
    const server = await getServer(serverId);
    if (!server) return null;
    try {
      const detail = await cachedUser(serverId, username);
      const [[roles, fileSystems], history, activity, region] = await Promise.all([
        isAdmin
          ? Promise.all([listTransferRoles(), server.domain === 'EFS' ? listFileSystems() : Promise.resolve([])])
          : Promise.resolve([[], []] as const),
        // The history and the audit trail are extras: the page stands without them.
        loginHistory(serverId, username).then(
          (page) => ({ ok: true as const, page }),
          () => ({ ok: false as const, message: 'The login history could not be read from CloudWatch Logs; it is retried every 10 seconds.' }),
        ),
        userActivity(serverId, username).catch((): UserActivity | null => null),
        aws().transfer.config.region(),
      ]);
      return { server, detail, roles: [...roles], fileSystems: [...fileSystems], history, activity, region };
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  });
  if (result.ok && !result.data) notFound();
  // A failed load keeps the panels in place (same positions in the tree), so the result of an action
  // that just ran (a one-time password included) stays on screen beside the notice.
  const data = result.ok ? result.data! : null;
  const s = data?.detail.summary ?? null;
  const connection = data && s ? connectionDetails(data.server, data.region, username, s) : null;
  return (
    <>
      <p>
        <Link href="/servers">Servers</Link> / <Link href={`/servers/${serverId}/users`}>{data?.server.name ?? serverId}</Link> /
      </p>
      <h1>
        {username} {s?.disabled ? <span className="badge danger">Disabled</span> : null}
        {s?.expired ? <span className="badge danger">Expired</span> : null}
      </h1>
      {!result.ok ? <LoadError message={result.message} /> : null}
      {s && data ? (
        <p className="muted">
          Sign-in: {s.authMethods.join(' and ') || 'none'}
          {s.passwordMode === 'plaintext' ? ' (legacy plaintext password)' : ''} · Home:{' '}
          {s.homeDirectoryType === 'PATH' ? 'PATH' : s.homeDirectoryType === 'LOGICAL' ? 'LOGICAL' : 'none'} · Last change{' '}
          {data.detail.lastChangedAt ? (
            <time dateTime={data.detail.lastChangedAt}>{data.detail.lastChangedAt.slice(0, 16).replace('T', ' ')} UTC</time>
          ) : (
            '—'
          )}
          {data.activity?.lastChange ? ` by ${data.activity.lastChange.actor}` : ''}
        </p>
      ) : null}
      {s?.problems.length ? <p className="alert warn">{s.problems.join(' ')}</p> : null}
      <UserWritesProvider>
        <HelpdeskPanel
          serverId={serverId}
          username={username}
          facts={data && s ? { disabled: s.disabled, passwords: data.detail.passwords, protocols: data.server.protocols } : null}
          keysOnFile={(data?.detail.publicKeys ?? []).map((k) => ({ line: k.line, fingerprint: k.fingerprint, comment: k.comment }))}
          connection={connection}
        />
        {data ? (
          <LoginHistory
            serverId={serverId}
            username={username}
            initial={data.history.ok ? data.history.page : null}
            initialError={data.history.ok ? undefined : data.history.message}
          />
        ) : null}
        {connection ? <ConnectionInstructions details={connection} /> : null}
        {s && data ? (
          <section className="card" aria-labelledby="access-heading">
            <h2 id="access-heading" style={{ marginTop: 0 }}>
              Access
            </h2>
            <dl>
              <dt>Status</dt>
              <dd>
                {s.disabled
                  ? `Disabled${data.activity?.disabledBy ? ` by ${data.activity.disabledBy.actor} on ${formatMoment(data.activity.disabledBy.time)}` : ''}`
                  : s.expired
                    ? `Expired on ${s.expiresAt ? formatMoment(s.expiresAt) : '—'}`
                    : 'Active'}
              </dd>
              <dt>Allowed source networks</dt>
              <dd>{s.acceptedIpNetworks.length ? s.acceptedIpNetworks.join(', ') : 'Any address'}</dd>
              <dt>Expiry</dt>
              <dd>{s.expiresAt ? formatMoment(s.expiresAt) : 'Never'}</dd>
              <dt>Sign-in methods</dt>
              <dd>
                {s.authMethods.length
                  ? s.authMethods
                      .map((m) =>
                        m === 'keys' ? `SSH keys (${s.publicKeyCount})` : s.passwordMode === 'plaintext' ? 'password (legacy plaintext)' : 'password',
                      )
                      .join(', ')
                  : 'none'}
                {data.server.sftpAuthenticationMethods ? ` · server asks for ${data.server.sftpAuthenticationMethods}` : ''}
              </dd>
              <dt>Home</dt>
              <dd>
                {s.homeDirectoryType === 'LOGICAL'
                  ? s.homeDirectoryMappings.map((m) => `${m.Entry} → ${m.Target}`).join(', ')
                  : (s.homeDirectory ?? '—')}
              </dd>
              <dt>Last changed</dt>
              <dd>
                {data.activity?.lastChange
                  ? `${formatMoment(data.activity.lastChange.time)} by ${data.activity.lastChange.actor} (${data.activity.lastChange.action.replace('user.', '')})`
                  : data.detail.lastChangedAt
                    ? `${formatMoment(data.detail.lastChangedAt)} (not in the audit trail)`
                    : '—'}
              </dd>
            </dl>
          </section>
        ) : null}
        {isAdmin ? (
          <>
            <h2>Edit</h2>
            <EditUserForm
              context={{
                serverId,
                domain: data?.server.domain ?? 'EFS',
                protocols: data?.server.protocols ?? ['SFTP'],
                roles: (data?.roles ?? []).map((r) => ({ roleName: r.roleName, arn: r.arn })),
                fileSystems: (data?.fileSystems ?? []).map((fs) => ({ fileSystemId: fs.fileSystemId, name: fs.name })),
              }}
              username={username}
              target={
                data && s
                  ? {
                      initial: data.detail.form,
                      versionId: data.detail.versionId,
                      hasPassword: s.passwordMode !== 'none',
                      homeType: s.homeDirectoryType,
                    }
                  : null
              }
              reloadError={result.ok ? undefined : result.message}
            />
            <DeleteUser serverId={serverId} username={username} />
          </>
        ) : s && data ? (
          <section className="card" aria-label="Details">
            <dl>
              <dt>Role</dt>
              <dd>
                <code>{s.role ?? '—'}</code>
              </dd>
              <dt>Home</dt>
              <dd>
                {s.homeDirectoryType === 'LOGICAL'
                  ? s.homeDirectoryMappings.map((m) => `${m.Entry} → ${m.Target}`).join(', ')
                  : (s.homeDirectory ?? '—')}
              </dd>
              <dt>POSIX profile</dt>
              <dd>{s.posixProfile ? `UID ${s.posixProfile.Uid}, GID ${s.posixProfile.Gid}` : '—'}</dd>
              <dt>SSH keys</dt>
              <dd>
                {data.detail.publicKeys.length
                  ? data.detail.publicKeys.map((k) => (
                      <div key={k.fingerprint}>
                        <code>{k.fingerprint}</code> {k.comment}
                      </div>
                    ))
                  : '—'}
              </dd>
            </dl>
          </section>
        ) : null}
      </UserWritesProvider>
    </>
  );
}
