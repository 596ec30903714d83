// Route handlers of the bulk pages (downloads): the admin check on the server, and for the one
// that changes state (taking the passwords file) a same-origin check, as server actions have.
import 'server-only';
import { hasRole, type Actor } from '../../auth/roles';
import { consoleOrigin } from '../../auth/safe-redirect';
import { getActor } from '../../auth/session';
import { serverIdFromSegment } from '../route-params';

export type Authorized = { ok: true; actor: Actor; serverId: string } | { ok: false; response: Response };

const refuse = (status: number, message: string): Authorized => ({
  ok: false,
  response: new Response(`${message}\n`, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } }),
});

function sameOrigin(request: Request): boolean {
  if (request.headers.get('sec-fetch-site') === 'cross-site') return false;
  const origin = request.headers.get('origin');
  if (origin === null) return request.headers.get('sec-fetch-site') !== null ? request.headers.get('sec-fetch-site') === 'same-origin' : false;
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  try {
    const url = new URL(origin);
    return url.origin === consoleOrigin() || url.host === host;
  } catch {
    return false;
  }
}

export async function authorizeAdmin(request: Request, serverSegment: string, options: { changesState?: boolean } = {}): Promise<Authorized> {
  const actor = await getActor();
  if (!actor) return refuse(401, 'Your session has ended. Sign in again.');
  if (!hasRole(actor.role, 'admin')) return refuse(403, `Only admins can do this; your role is ${actor.role}. Nothing was changed.`);
  const serverId = serverIdFromSegment(serverSegment);
  if (!serverId) return refuse(404, 'Unknown server.');
  if (options.changesState && !sameOrigin(request)) return refuse(403, 'The request did not come from this console. Nothing was changed.');
  return { ok: true, actor, serverId };
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
