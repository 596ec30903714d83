// next-auth configuration: local accounts (Credentials) on the embedded default, OIDC in
// production. The JWT cookie carries the user name, display name, role and a session id; whether
// that session still counts is decided on every read by lib/auth/session-check.ts.
import 'server-only';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { clock } from './clock';
import { verifyLocalUser } from './local-users';
import { createOidcRoleCheck } from './oidc-recheck';
import { PoolBusyError } from './password-pool';
import { type Role } from './roles';
import { safeCallbackPath } from './safe-redirect';
import { checkSession, type OidcRoleCheck } from './session-check';
import { sessionPolicy } from './session-policy';
import { createSessionRecord, endSession, newSessionId, sweepSessionRecords, type SessionRecord } from './session-records';
import { blockedUntil, recordFailure, recordSuccess, signInKeys, sourceAddress, sweepThrottle } from './signin-throttle';

function groupList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);
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
      return {
        id: String(profile.sub),
        name: typeof profile.name === 'string' && profile.name ? profile.name : username,
        username,
        ...(role ? { role } : {}),
      };
    },
  };
}

function oidcRoleCheck(): OidcRoleCheck | undefined {
  const { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: clientSecret } = process.env;
  if (!issuer || !clientId || !clientSecret) return undefined;
  return createOidcRoleCheck({
    issuer,
    clientId,
    clientSecret,
    groupsClaim: process.env.OIDC_GROUPS_CLAIM ?? 'groups',
    roleFromGroups: (groups) => roleFromGroups(groups),
    now: () => clock.now(),
  });
}

/** Thrown from the jwt callback: next-auth then clears the cookie and answers with no session. */
export class SessionEndedError extends Error {
  override name = 'SessionEndedError';
}

// Only a code is logged: next-auth's metadata can hold tokens and request bodies.
const logger: NextAuthOptions['logger'] = {
  error(code, metadata) {
    const error = metadata instanceof Error ? metadata : (metadata as { error?: unknown } | undefined)?.error;
    if (error instanceof SessionEndedError) return;
    console.error(JSON.stringify({ level: 'error', event: 'auth-error', code, error: error instanceof Error ? error.name : undefined }));
  },
  warn(code) {
    console.warn(JSON.stringify({ level: 'warn', event: 'auth-warning', code }));
  },
  debug() {},
};

// Ended sessions' records are deleted by a sweep at sign-in, at most once a minute per process.
let lastSessionSweep = 0;

export function buildAuthOptions(): NextAuthOptions {
  const oidc = oidcProvider();
  const recheckOidc = oidcRoleCheck();
  return {
    session: { strategy: 'jwt', maxAge: Math.ceil(sessionPolicy().absoluteMs / 1000) },
    pages: { signIn: '/signin', error: '/signin' },
    logger,
    providers: [
      CredentialsProvider({
        id: 'credentials',
        name: 'Local account',
        credentials: { username: { label: 'User name', type: 'text' }, password: { label: 'Password', type: 'password' } },
        // Every refusal is the same `null`: wrong password, unknown name and a throttled try look alike.
        async authorize(credentials, req) {
          const username = credentials?.username?.trim() ?? '';
          const password = credentials?.password ?? '';
          if (!username || !password || username.length > 100 || password.length > 1024) return null;
          const source = sourceAddress(req?.headers);
          const keys = signInKeys(username, source);
          const now = clock.now();
          if ((await blockedUntil(keys, now)) > now) return null;
          let user: Awaited<ReturnType<typeof verifyLocalUser>>;
          try {
            user = await verifyLocalUser(username, password, undefined, source ?? undefined);
          } catch (err) {
            // A full hashing queue refuses the try like any other; it is not the account's failure.
            if (err instanceof PoolBusyError) return null;
            throw err;
          }
          if (!user) {
            await recordFailure(keys, now);
            sweepThrottle(now).catch((err: unknown) => {
              console.error(JSON.stringify({ level: 'error', event: 'throttle-sweep-failed', error: err instanceof Error ? err.name : 'unknown' }));
            });
            return null;
          }
          await recordSuccess(username);
          return { id: user.username, name: user.username, username: user.username, role: user.role };
        },
      }),
      ...(oidc ? [oidc] : []),
    ],
    callbacks: {
      signIn({ user }) {
        return Boolean(user.role);
      },
      redirect({ url, baseUrl }) {
        return `${baseUrl}${safeCallbackPath(url, baseUrl)}`;
      },
      async jwt({ token, user, account }) {
        if (user) {
          const now = clock.now();
          const sid = newSessionId();
          const username = user.username ?? user.name ?? '';
          const provider = account?.provider ?? 'credentials';
          if (!user.role) throw new SessionEndedError('no role');
          const record: SessionRecord = { username, role: user.role, provider, createdAt: now, roleCheckedAt: now };
          if (provider !== 'credentials' && account) {
            record.oidc = {
              accessToken: account.access_token,
              accessTokenExpiresAt: typeof account.expires_at === 'number' ? account.expires_at * 1000 : undefined,
              refreshToken: account.refresh_token,
            };
          }
          await createSessionRecord(sid, record);
          if (now - lastSessionSweep >= 60_000) {
            lastSessionSweep = now;
            sweepSessionRecords(now, sessionPolicy()).catch((err: unknown) => {
              console.error(JSON.stringify({ level: 'error', event: 'session-sweep-failed', error: err instanceof Error ? err.name : 'unknown' }));
            });
          }
          return { name: user.name ?? username, username, role: user.role, sid, signedInAt: now, provider };
        }
        const check = await checkSession(token, { recheckOidc });
        if (!check.ok) throw new SessionEndedError(check.reason);
        return token;
      },
      session({ session, token }) {
        session.user = { username: token.username ?? '', name: token.name ?? token.username ?? '', role: token.role ?? 'helpdesk' };
        return session;
      },
    },
    events: {
      async signOut({ token }) {
        await endSession(token?.sid);
      },
    },
  };
}

export const authOptions = buildAuthOptions();
