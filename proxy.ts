// Defence in depth: pages need a session. The real checks are on the server, in every action
// (lib/auth/authed-action.ts) and page (requirePageRole).
import { getToken } from 'next-auth/jwt';
import { NextResponse, type NextRequest } from 'next/server';

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
  if (undecodable(request.nextUrl.pathname)) {
    return new NextResponse('<!doctype html><title>Not found</title><h1>Not found</h1><p>This address is not valid. <a href="/servers">Back to servers</a></p>', {
      status: 404,
      headers: { 'content-type': 'text/html; charset=utf-8' },
    });
  }
  const token = await getToken({ req: request });
  if (token) return NextResponse.next();
  const signIn = new URL('/signin', request.url);
  signIn.searchParams.set('callbackUrl', request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.redirect(signIn);
}

export const config = {
  matcher: ['/((?!api/auth|signin|forbidden|_next/static|_next/image|favicon.ico).*)'],
};
