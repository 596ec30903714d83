// The checks a route handler makes before it does anything, shared by every handler (downloads,
// the live preview) and worded as the server actions word them: the session as every page reads it
// (getActor → session-check.ts), the role, and for a request that must come from the console's own
// pages, the browser's word on where it came from. Route handlers get no Origin check from Next
// (server actions do), so this is that check.
import 'server-only';
import { hasRole, type Actor, type Role } from './roles';
import { consoleOrigin } from './safe-redirect';
import { getActor } from './session';

export const SESSION_ENDED_MESSAGE = 'Your session has ended. Sign in again.';
export const CROSS_SITE_MESSAGE = 'The request did not come from this console. Nothing was changed.';

export function forbiddenMessage(role: Role, actorRole: Role): string {
  return `Only ${role === 'admin' ? 'admins' : 'the help desk and admins'} can do this; your role is ${actorRole}. Nothing was changed.`;
}

/**
 * Whether the browser says the request came from the console's own pages: `Sec-Fetch-Site` is not
 * cross-site, and the `Origin` is the console's (NEXTAUTH_URL) or the host the request was sent to.
 * A request with neither header (not a browser's fetch or form post) is refused.
 */
export function sameOrigin(request: Request): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') return false;
  const origin = request.headers.get('origin');
  if (origin === null) return site === 'same-origin';
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  try {
    const url = new URL(origin);
    return url.origin === consoleOrigin() || url.host === host;
  } catch {
    return false;
  }
}

export type RequestRefusal = { status: 401 | 403; code: 'session-ended' | 'forbidden' | 'cross-site'; message: string };
export type RequestAuthorization = { ok: true; actor: Actor } | { ok: false; refusal: RequestRefusal };

/** The session, then the role, then (when asked) the origin; the first that fails is the answer. */
export async function authorizeRequest(request: Request, role: Role, options: { sameOriginOnly?: boolean } = {}): Promise<RequestAuthorization> {
  const actor = await getActor();
  if (!actor) return { ok: false, refusal: { status: 401, code: 'session-ended', message: SESSION_ENDED_MESSAGE } };
  if (!hasRole(actor.role, role)) return { ok: false, refusal: { status: 403, code: 'forbidden', message: forbiddenMessage(role, actor.role) } };
  if (options.sameOriginOnly && !sameOrigin(request)) return { ok: false, refusal: { status: 403, code: 'cross-site', message: CROSS_SITE_MESSAGE } };
  return { ok: true, actor };
}
