'use client';

import { useParams } from 'next/navigation';
import { NotFoundMessage } from '@/components/not-found-message';

export default function UserNotFound() {
  const params = useParams<{ serverId: string }>();
  const serverId = typeof params?.serverId === 'string' && /^s-[0-9a-f]{17}$/.test(params.serverId) ? params.serverId : null;
  return (
    <NotFoundMessage title="User not found" links={serverId ? [{ href: `/servers/${serverId}/users`, label: 'Back to the users' }] : []}>
      This server has no user by that name. It may have been deleted (deleted users can be restored from the users list during their recovery window),
      or the address may be mistyped.
    </NotFoundMessage>
  );
}
