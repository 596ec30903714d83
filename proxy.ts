// Defence in depth: pages need a session. The real checks are on the server, in every action
// (lib/auth/authed-action.ts) and page (requirePageRole).
import { getToken } from 'next-auth/jwt';
import { NextResponse, type NextRequest } from 'next/server';

export async function proxy(request: NextRequest) {
  const token = await getToken({ req: request });
  if (token) return NextResponse.next();
  const signIn = new URL('/signin', request.url);
  signIn.searchParams.set('callbackUrl', request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.redirect(signIn);
}

export const config = {
  matcher: ['/((?!api/auth|signin|forbidden|_next/static|_next/image|favicon.ico).*)'],
};
