// Route handlers of the bulk pages (downloads): the admin check on the server, and for the one
// that changes state (taking the passwords file) a same-origin check, as server actions have.
import 'server-only';
import type { Actor } from '../../auth/roles';
import { authorizeRequest, CROSS_SITE_MESSAGE, sameOrigin } from '../../auth/request-auth';
import { serverIdFromSegment } from '../route-params';

export type Authorized = { ok: true; actor: Actor; serverId: string } | { ok: false; response: Response };

const refuse = (status: number, message: string): Authorized => ({
  ok: false,
  response: new Response(`${message}\n`, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } }),
});

export async function authorizeAdmin(request: Request, serverSegment: string, options: { changesState?: boolean } = {}): Promise<Authorized> {
  const auth = await authorizeRequest(request, 'admin');
  if (!auth.ok) return refuse(auth.refusal.status, auth.refusal.message);
  const serverId = serverIdFromSegment(serverSegment);
  if (!serverId) return refuse(404, 'Unknown server.');
  if (options.changesState && !sameOrigin(request)) return refuse(403, CROSS_SITE_MESSAGE);
  return { ok: true, actor: auth.actor, serverId };
}

export function download(body: string, fileName: string, contentType: string): Response {
  return new Response(body, {
    headers: {
      'Content-Type': contentType,
      'Content-Disposition': `attachment; filename="${fileName.replace(/[^\w.-]/g, '_')}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
