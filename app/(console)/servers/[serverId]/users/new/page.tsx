import Link from 'next/link';
import { notFound } from 'next/navigation';
import { LoadError } from '@/components/load-error';
import { requirePageRole } from '@/lib/auth/session';
import { listFileSystems } from '@/lib/console/file-systems';
import { load } from '@/lib/console/load';
import { listTransferRoles } from '@/lib/console/roles';
import { getServer } from '@/lib/console/servers';
import { uidUsage } from '@/lib/console/users';
import { UserForm } from '../user-form';

export const metadata = { title: 'Create user' };

export default async function NewUserPage({ params }: { params: Promise<{ serverId: string }> }) {
  await requirePageRole('admin');
  const { serverId } = await params;
  const result = await load('what the form needs', async () => {
    const server = await getServer(serverId);
    if (!server) return null;
    const [roles, fileSystems, uids] = await Promise.all([listTransferRoles(), server.domain === 'EFS' ? listFileSystems() : Promise.resolve([]), uidUsage(serverId)]);
    return { server, roles, fileSystems, uids };
  });
  if (result.ok && !result.data) notFound();
  if (!result.ok) return <LoadError message={result.message} />;
  const { server, roles, fileSystems, uids } = result.data!;
  if (!server.manageable) return <p className="alert warn">{server.readOnlyReason}</p>;
  return (
    <>
      <p>
        <Link href="/servers">Servers</Link> / <Link href={`/servers/${serverId}/users`}>{server.name ?? serverId}</Link> /
      </p>
      <h1>Create user</h1>
      <UserForm
        mode="create"
        serverId={serverId}
        domain={server.domain}
        protocols={server.protocols}
        roles={roles.map((r) => ({ roleName: r.roleName, arn: r.arn }))}
        fileSystems={fileSystems.map((fs) => ({ fileSystemId: fs.fileSystemId, name: fs.name }))}
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
