// Who is signed in, read on the server from the session cookie. getServerSession runs the jwt
// callback, which checks the session (lib/auth/session-check.ts): an ended session reads as none.
import 'server-only';
import { getServerSession } from 'next-auth';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { authOptions } from './options';
import { hasRole, isRole, type Actor, type Role } from './roles';

// Server components cannot set cookies: an ended session is refused here and its cookie is cleared
// by the next /api/auth/session call or sign-in.
const noResponse = { getHeader() {}, setCookie() {}, setHeader() {} };

export async function getActor(): Promise<Actor | null> {
  const request = {
    headers: Object.fromEntries(await headers()),
    cookies: Object.fromEntries((await cookies()).getAll().map((c) => [c.name, c.value])),
  };
  const session = await getServerSession(request as never, noResponse as never, authOptions);
  const user = session?.user;
  if (!user?.username || !isRole(user.role)) return null;
  return { username: user.username, name: user.name || user.username, role: user.role };
}

/** For pages: sends strangers to sign in; a signed-in user without the role gets `forbidden` back. */
export async function requirePageRole(role: Role): Promise<Actor> {
  const actor = await getActor();
  if (!actor) redirect('/signin');
  if (!hasRole(actor.role, role)) redirect('/forbidden');
  return actor;
}
