// next-auth configuration: local accounts (Credentials) on the embedded default, OIDC in
// production. JWT sessions carry the user name, display name and role only.
import 'server-only';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { verifyLocalUser } from './local-users';
import { type Role } from './roles';

export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

function groupList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((g) => g.trim()).filter(Boolean);
}

/** Maps an OIDC groups claim to a console role; null refuses the sign-in. */
export function roleFromGroups(groups: unknown, env: Record<string, string | undefined> = process.env): Role | null {
  const list = Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : typeof groups === 'string' ? [groups] : [];
  if (list.some((g) => groupList(env.OIDC_ADMIN_GROUPS ?? 'transfer-desk-admins').includes(g))) return 'admin';
  if (list.some((g) => groupList(env.OIDC_HELPDESK_GROUPS ?? 'transfer-desk-helpdesk').includes(g))) return 'helpdesk';
  return null;
}

function oidcProvider(): OAuthConfig<Record<string, unknown>> | null {
  const issuer = process.env.OIDC_ISSUER;
  const clientId = process.env.OIDC_CLIENT_ID;
  const clientSecret = process.env.OIDC_CLIENT_SECRET;
  if (!issuer || !clientId || !clientSecret) return null;
  const claim = process.env.OIDC_GROUPS_CLAIM ?? 'groups';
  return {
    id: 'oidc',
    name: process.env.OIDC_NAME ?? 'Single sign-on',
    type: 'oauth',
    wellKnown: `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
    clientId,
    clientSecret,
    idToken: true,
    checks: ['pkce', 'state'],
    authorization: { params: { scope: process.env.OIDC_SCOPE ?? 'openid profile email' } },
    profile(profile) {
      const username = String(profile.preferred_username ?? profile.email ?? profile.sub);
      const role = roleFromGroups(profile[claim]);
      return { id: String(profile.sub), name: String(profile.name ?? username), username, ...(role ? { role } : {}) };
    },
  };
}

export function buildAuthOptions(): NextAuthOptions {
  const oidc = oidcProvider();
  return {
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: '/signin', error: '/signin' },
    providers: [
      CredentialsProvider({
        id: 'credentials',
        name: 'Local account',
        credentials: { username: { label: 'User name', type: 'text' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials) {
          const username = credentials?.username?.trim() ?? '';
          const password = credentials?.password ?? '';
          if (!username || !password || username.length > 100 || password.length > 1024) return null;
          const user = await verifyLocalUser(username, password);
          return user ? { id: user.username, name: user.username, username: user.username, role: user.role } : null;
        },
      }),
      ...(oidc ? [oidc] : []),
    ],
    callbacks: {
      signIn({ user }) {
        return Boolean(user.role);
      },
      jwt({ token, user }) {
        if (user) {
          token.username = user.username ?? user.name ?? undefined;
          token.role = user.role;
          token.name = user.name ?? token.username;
        }
        return token;
      },
      session({ session, token }) {
        session.user = { username: token.username ?? '', name: token.name ?? token.username ?? '', role: token.role ?? 'helpdesk' };
        return session;
      },
    },
  };
}

export const authOptions = buildAuthOptions();
