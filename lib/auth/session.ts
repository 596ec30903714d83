// Who is signed in, read on the server from the session cookie. getServerSession runs the jwt
// callback, which checks the session (lib/auth/session-check.ts): an ended session reads as none.
import 'server-only';
import { getServerSession } from 'next-auth';
import { redirect } from 'next/navigation';
import { authOptions } from './options';
import { hasRole, isRole, type Actor, type Role } from './roles';

export async function getActor(): Promise<Actor | null> {
  const session = await getServerSession(authOptions);
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
