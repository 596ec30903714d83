import type { ReactNode } from 'react';
import { notFound } from 'next/navigation';
import { NotFoundError } from '@/lib/console/errors';
import { serverIdFromSegment, usernameFromSegment } from '@/lib/console/route-params';
import { cachedUser } from './cached-user';

// Decided above the page's loading boundary, so an unknown or malformed user name answers 404.
export default async function UserLayout({ children, params }: { children: ReactNode; params: Promise<{ serverId: string; username: string }> }) {
  const segments = await params;
  const serverId = serverIdFromSegment(segments.serverId);
  const username = usernameFromSegment(segments.username);
  if (!serverId || !username) notFound();
  const user = await cachedUser(serverId, username).catch((err: unknown) => err);
  if (user instanceof NotFoundError) notFound();
  return children;
}
