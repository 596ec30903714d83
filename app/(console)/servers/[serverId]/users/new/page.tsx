import Link from 'next/link';
import { notFound } from 'next/navigation';
import { LoadError } from '@/components/load-error';
import { aws } from '@/lib/aws/clients';
import { requirePageRole } from '@/lib/auth/session';
import { listFileSystems } from '@/lib/console/file-systems';
import { load } from '@/lib/console/load';
import { listTransferRoles } from '@/lib/console/roles';
import { serverIdFromSegment } from '@/lib/console/route-params';
import { getServer } from '@/lib/console/servers';
import { uidUsage } from '@/lib/console/users';
import { CreateUserForm } from '../create-user-form';

export const metadata = { title: 'Create user' };

export default async function NewUserPage({ params }: { params: Promise<{ serverId: string }> }) {
  await requirePageRole('admin');
  const serverId = serverIdFromSegment((await params).serverId);
  if (!serverId) notFound();
  const result = await load('what the form needs', async () => {
    const server = await getServer(serverId);
    if (!server) return null;
    const [roles, fileSystems, uids] = await Promise.all([
      listTransferRoles(),
      server.domain === 'EFS' ? listFileSystems() : Promise.resolve([]),
      uidUsage(serverId),
    ]);
    return { server, roles, fileSystems, uids, region: await aws().transfer.config.region() };
  });
  if (result.ok && !result.data) notFound();
  if (result.ok && !result.data!.server.manageable) return <p className="alert warn">{result.data!.server.readOnlyReason}</p>;
  // A failed load (also the re-render right after a create) keeps the form in place, so a created
  // user's one-time password stays on screen; the notice says what could not be loaded.
  const loaded = result.ok ? result.data! : null;
  const server = loaded?.server ?? { name: null, domain: 'EFS' as const, protocols: ['SFTP'] };
  const roles = loaded?.roles ?? [];
  const fileSystems = loaded?.fileSystems ?? [];
  const uids = loaded?.uids ?? { nextUid: 2000, complete: false };
  return (
    <>
      <p>
        <Link href="/servers">Servers</Link> / <Link href={`/servers/${serverId}/users`}>{server.name ?? serverId}</Link> /
      </p>
      <h1>Create user</h1>
      {!result.ok ? <LoadError message={result.message} /> : null}
      {loaded && !uids.complete ? (
        <p className="alert warn" role="status">
          This server’s user index is still being built, so the suggested UID {uids.nextUid} only avoids UIDs this console has handed out; users made
          elsewhere are not checked yet. The preview names a UID in use once the index is ready.
        </p>
      ) : null}
      <CreateUserForm
        unavailable={!loaded}
        connection={loaded ? { server: loaded.server, region: loaded.region } : undefined}
        context={{
          serverId,
          domain: server.domain,
          protocols: server.protocols,
          roles: roles.map((r) => ({ roleName: r.roleName, arn: r.arn })),
          fileSystems: fileSystems.map((fs) => ({ fileSystemId: fs.fileSystemId, name: fs.name })),
        }}
        initial={{
          username: '',
          password: { mode: 'generate', storage: 'hash' },
          protocolPasswords: {},
          publicKeys: '',
          role: roles[0]?.arn ?? '',
          uid: String(uids.nextUid),
          gid: String(uids.nextUid),
          secondaryGids: '',
          homeMode: 'root',
          rootLocation: fileSystems[0]?.fileSystemId ?? '',
          rootPath: '/home/${transfer:UserName}',
          mappings: [],
          acceptedIpNetwork: '',
          expiresAt: '',
          policy: '',
          disabled: false,
        }}
      />
    </>
  );
}
