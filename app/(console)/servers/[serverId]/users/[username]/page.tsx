import Link from 'next/link';
import { notFound } from 'next/navigation';
import { LoadError } from '@/components/load-error';
import { hasRole } from '@/lib/auth/roles';
import { requirePageRole } from '@/lib/auth/session';
import { NotFoundError } from '@/lib/console/errors';
import { listFileSystems } from '@/lib/console/file-systems';
import { load } from '@/lib/console/load';
import { listTransferRoles } from '@/lib/console/roles';
import { getServer } from '@/lib/console/servers';
import { getUserForEdit } from '@/lib/console/users';
import { UserForm } from '../user-form';
import { DeleteUser } from './delete-user';
import { HelpdeskPanel } from './helpdesk-panel';

type Props = { params: Promise<{ serverId: string; username: string }> };

export async function generateMetadata({ params }: Props) {
  const { username } = await params;
  return { title: decodeURIComponent(username) };
}

export default async function UserPage({ params }: Props) {
  const actor = await requirePageRole('helpdesk');
  const { serverId, username: rawUsername } = await params;
  const username = decodeURIComponent(rawUsername);
  const isAdmin = hasRole(actor.role, 'admin');
  const result = await load('this user', async () => {
    const server = await getServer(serverId);
    if (!server) return null;
    try {
      const detail = await getUserForEdit(serverId, username);
      const [roles, fileSystems] = isAdmin ? await Promise.all([listTransferRoles(), server.domain === 'EFS' ? listFileSystems() : Promise.resolve([])]) : [[], []];
      return { server, detail, roles, fileSystems };
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  });
  if (result.ok && !result.data) notFound();
  if (!result.ok) return <LoadError message={result.message} />;
  const { server, detail, roles, fileSystems } = result.data!;
  const s = detail.summary;
  return (
    <>
      <p>
        <Link href="/servers">Servers</Link> / <Link href={`/servers/${serverId}/users`}>{server.name ?? serverId}</Link> /
      </p>
      <h1>
        {username}{' '}
        {s.disabled ? <span className="badge danger">Disabled</span> : null}
        {s.expired ? <span className="badge danger">Expired</span> : null}
      </h1>
      <p className="muted">
        Sign-in: {s.authMethods.join(' and ') || 'none'}
        {s.passwordMode === 'plaintext' ? ' (legacy plaintext password)' : ''} · Last change{' '}
        {detail.lastChangedAt ? <time dateTime={detail.lastChangedAt}>{detail.lastChangedAt.slice(0, 16).replace('T', ' ')} UTC</time> : '—'}
      </p>
      {s.problems.length ? <p className="alert warn">{s.problems.join(' ')}</p> : null}
      <HelpdeskPanel serverId={serverId} username={username} disabled={s.disabled} protocols={server.protocols} />
      {isAdmin ? (
        <>
          <h2>Edit</h2>
          <UserForm
            mode="edit"
            serverId={serverId}
            domain={server.domain}
            protocols={server.protocols}
            roles={roles.map((r) => ({ roleName: r.roleName, arn: r.arn }))}
            fileSystems={fileSystems.map((fs) => ({ fileSystemId: fs.fileSystemId, name: fs.name }))}
            initial={detail.form}
            versionId={detail.versionId}
          />
          <DeleteUser serverId={serverId} username={username} />
        </>
      ) : (
        <section className="card" aria-label="Details">
          <dl>
            <dt>Role</dt>
            <dd>
              <code>{s.role ?? '—'}</code>
            </dd>
            <dt>Home</dt>
            <dd>{s.homeDirectoryType === 'LOGICAL' ? s.homeDirectoryMappings.map((m) => `${m.Entry} → ${m.Target}`).join(', ') : (s.homeDirectory ?? '—')}</dd>
            <dt>POSIX profile</dt>
            <dd>{s.posixProfile ? `UID ${s.posixProfile.Uid}, GID ${s.posixProfile.Gid}` : '—'}</dd>
            <dt>SSH keys</dt>
            <dd>{detail.publicKeys.length ? detail.publicKeys.map((k) => <div key={k.fingerprint}><code>{k.fingerprint}</code> {k.comment}</div>) : '—'}</dd>
          </dl>
        </section>
      )}
    </>
  );
}
