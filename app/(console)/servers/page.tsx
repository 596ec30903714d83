import Link from 'next/link';
import { Suspense } from 'react';
import { LoadError } from '@/components/load-error';
import { requirePageRole } from '@/lib/auth/session';
import { load } from '@/lib/console/load';
import { listServers } from '@/lib/console/servers';
import { userIndex } from '@/lib/console/user-index';

export const metadata = { title: 'Servers' };

export default async function ServersPage() {
  await requirePageRole('helpdesk');
  const result = await load('the Transfer servers', listServers);
  return (
    <>
      <h1>Servers</h1>
      {!result.ok ? (
        <LoadError message={result.message} />
      ) : result.data.length === 0 ? (
        <p>No Transfer Family servers in this account and region.</p>
      ) : (
        <table>
          <caption className="muted" style={{ textAlign: 'left', padding: 8 }}>
            Lambda-backed servers are managed here; others are shown read-only.
          </caption>
          <thead>
            <tr>
              <th scope="col">Server</th>
              <th scope="col">State</th>
              <th scope="col">Endpoint</th>
              <th scope="col">Storage</th>
              <th scope="col">Identity provider</th>
              <th scope="col">Protocols</th>
              <th scope="col">Users</th>
            </tr>
          </thead>
          <tbody>
            {result.data.map((server) => (
              <tr key={server.serverId}>
                <td>
                  {server.manageable ? (
                    <Link href={`/servers/${server.serverId}/users`}>{server.name ?? server.serverId}</Link>
                  ) : (
                    <span>{server.name ?? server.serverId}</span>
                  )}
                  <div className="muted">
                    <code>{server.serverId}</code>
                  </div>
                  {server.localEndpoint ? <div className="muted">SFTP on {server.localEndpoint}</div> : null}
                </td>
                <td>
                  <span className={`badge ${server.state === 'ONLINE' ? 'ok' : 'warn'}`}>{server.state}</span>
                </td>
                <td>{server.endpointType}</td>
                <td>{server.domain}</td>
                <td>
                  {server.identityProviderType}
                  {server.readOnlyReason ? (
                    <div className="muted">
                      <span className="badge">Read-only</span> {server.readOnlyReason}
                    </div>
                  ) : null}
                </td>
                <td>{server.protocols.join(', ')}</td>
                <td>
                  {server.manageable ? (
                    <Suspense fallback={<span className="muted">counting…</span>}>
                      <UserCount serverId={server.serverId} />
                    </Suspense>
                  ) : (
                    (server.userCount ?? '—')
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/**
 * A Lambda server's user count from the user index, streamed after the rest of the page: it waits at
 * most 1.5 s for a first build, then says how far the build got (the build goes on in the background).
 */
async function UserCount({ serverId }: { serverId: string }) {
  const status = await userIndex(serverId, { waitMs: 1_500 }).catch(() => null);
  if (!status) return <span className="muted">not counted (Secrets Manager could not be read)</span>;
  if (!status.ready) {
    return (
      <span className="muted" role="status">
        counting… ({status.progress} so far)
      </span>
    );
  }
  return <>{status.index.users.size}</>;
}
