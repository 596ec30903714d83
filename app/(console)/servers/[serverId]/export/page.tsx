import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requirePageRole } from '@/lib/auth/session';
import { serverIdFromSegment } from '@/lib/console/route-params';

export const metadata = { title: 'Export users' };

export default async function ExportPage({ params }: { params: Promise<{ serverId: string }> }) {
  await requirePageRole('admin');
  const serverId = serverIdFromSegment((await params).serverId);
  if (!serverId) notFound();
  return (
    <>
      <p>
        <Link href="/servers">Servers</Link> / <Link href={`/servers/${serverId}/users`}>Users</Link> /
      </p>
      <h1>Export the users of {serverId}</h1>
      <p>
        Every field the user form edits, one user per row. Never a password or a hash: <code>sign_in_methods</code> says which sign-in methods a user
        has, and <code>password</code> says <code>generate</code> where a password exists, so importing the file into another server creates the same
        users with new passwords.
      </p>
      <p className="toolbar">
        <a className="button primary" href={`/servers/${serverId}/export/download?format=csv`} download>
          Download CSV
        </a>
        <a className="button" href={`/servers/${serverId}/export/download?format=json`} download>
          Download JSON
        </a>
      </p>
      <p>
        Import it with <Link href={`/servers/${serverId}/import`}>Import users</Link> (on this or another server).
      </p>
    </>
  );
}
