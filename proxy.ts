// Every request: the security headers with a fresh CSP nonce (read by Next for its own scripts and
// by the root layout), and, as defence in depth only, pages need a session cookie. The real checks
// are on the server, in every action (lib/auth/authed-action.ts) and page (requirePageRole).
import { getToken } from 'next-auth/jwt';
import { NextResponse, type NextRequest } from 'next/server';
import { contentSecurityPolicy, HSTS, newNonce, servedOverHttps, STATIC_SECURITY_HEADERS } from './lib/auth/security-headers';
import { sessionPolicy } from './lib/auth/session-policy';

const PUBLIC_PATHS = [/^\/signin\/?$/, /^\/forbidden\/?$/, /^\/api\/auth(\/|$)/, /^\/favicon\.ico$/, /^\/_next\//];
// Route handlers that a page's script calls and that answer an ended session themselves (401 JSON,
// shown where the script shows it), as server actions do: a redirect to the sign-in page would be
// followed by fetch and read as a broken answer.
const SELF_ANSWERING_POSTS = [/^\/api\/servers\/[^/]+\/users\/preview$/];

async function hasLiveSessionCookie(request: NextRequest): Promise<boolean> {
  const token = await getToken({ req: request });
  if (!token) return false;
  return typeof token.signedInAt === 'number' && Date.now() - token.signedInAt < sessionPolicy().absoluteMs;
}

/** A path with a percent sequence that is not UTF-8 names no page (Next would answer 500 for it). */
function undecodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

export async function proxy(request: NextRequest) {
  const nonce = newNonce();
  const https = servedOverHttps(request.headers.get('x-forwarded-proto'));
  const csp = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === 'development', https });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', csp);

  const { pathname } = request.nextUrl;
  // A server action answers for itself ("Your session has ended. Sign in again.") inside its form.
  const isAction =
    request.method === 'POST' && (request.headers.has('next-action') || SELF_ANSWERING_POSTS.some((pattern) => pattern.test(pathname)));
  let response: NextResponse;
  if (undecodable(pathname)) {
    response = new NextResponse(
      '<!doctype html><title>Not found</title><h1>Not found</h1><p>This address is not valid. <a href="/servers">Back to servers</a></p>',
      {
        status: 404,
        headers: { 'content-type': 'text/html; charset=utf-8' },
      },
    );
  } else if (isAction || PUBLIC_PATHS.some((pattern) => pattern.test(pathname)) || (await hasLiveSessionCookie(request))) {
    response = NextResponse.next({ request: { headers: requestHeaders } });
  } else {
    const signIn = new URL('/signin', request.url);
    signIn.searchParams.set('callbackUrl', pathname + request.nextUrl.search);
    response = NextResponse.redirect(signIn);
  }
  response.headers.set('Content-Security-Policy', csp);
  for (const { key, value } of STATIC_SECURITY_HEADERS) response.headers.set(key, value);
  if (https) response.headers.set(HSTS.key, HSTS.value);
  return response;
}

export const config = {
  matcher: ['/((?!_next/static|_next/image).*)'],
};
