import type { ReactNode } from 'react';
import { notFound } from 'next/navigation';
import { serverIdFromSegment } from '@/lib/console/route-params';
import { getServer } from '@/lib/console/servers';

// Decided here, above every loading boundary, so an unknown or malformed server answers 404 before
// anything streams. An AWS failure is left to the page, which shows it as a load error.
export default async function ServerLayout({ children, params }: { children: ReactNode; params: Promise<{ serverId: string }> }) {
  const serverId = serverIdFromSegment((await params).serverId);
  if (!serverId) notFound();
  const server = await getServer(serverId).catch((err: unknown) => err);
  if (server === null) notFound();
  return children;
}
