'use client';

import Link from 'next/link';
import { useParams } from 'next/navigation';

export default function UserNotFound() {
  const params = useParams<{ serverId: string }>();
  const serverId = typeof params?.serverId === 'string' && /^s-[0-9a-f]{17}$/.test(params.serverId) ? params.serverId : null;
  return (
    <>
      <h1>User not found</h1>
      <p>This server has no user by that name. It may have been deleted (deleted users can be restored from the users list during their recovery window), or the address may be mistyped.</p>
      <p className="toolbar">
        {serverId ? (
          <Link className="button" href={`/servers/${serverId}/users`}>
            Back to the users
          </Link>
        ) : null}
        <Link className="button" href="/servers">
          Back to servers
        </Link>
      </p>
    </>
  );
}
