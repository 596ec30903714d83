// Re-reads an OIDC user's groups from the identity provider: the userinfo endpoint while the access
// token is valid, else a refresh-token grant (whose ID token, received straight from the token
// endpoint over TLS, carries the groups). A refused refresh or a missing console group ends the session.
import type { Role } from './roles';
import type { SessionRecord } from './session-records';

type Discovery = { userinfo_endpoint?: string; token_endpoint?: string };
let discovery: { issuer: string; at: number; value: Discovery } | null = null;

async function discover(issuer: string, fetcher: typeof fetch, now: number): Promise<Discovery> {
  if (discovery && discovery.issuer === issuer && now - discovery.at < 60 * 60_000) return discovery.value;
  const response = await fetcher(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`discovery ${response.status}`);
  const value = (await response.json()) as Discovery;
  discovery = { issuer, at: now, value };
  return value;
}

function idTokenClaims(idToken: unknown): Record<string, unknown> | null {
  if (typeof idToken !== 'string') return null;
  const payload = idToken.split('.')[1];
  if (!payload) return null;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export function createOidcRoleCheck(options: {
  issuer: string;
  clientId: string;
  clientSecret: string;
  groupsClaim: string;
  roleFromGroups: (groups: unknown) => Role | null;
  fetcher?: typeof fetch;
  now?: () => number;
}) {
  const fetcher = options.fetcher ?? fetch;
  const now = options.now ?? Date.now;
  return async (record: SessionRecord): Promise<{ role: Role | null; record: SessionRecord }> => {
    const endpoints = await discover(options.issuer, fetcher, now());
    const tokens = record.oidc ?? {};
    if (tokens.accessToken && endpoints.userinfo_endpoint && (tokens.accessTokenExpiresAt ?? 0) > now() + 5_000) {
      const response = await fetcher(endpoints.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
      if (response.ok) {
        const claims = (await response.json()) as Record<string, unknown>;
        if (options.groupsClaim in claims) return { role: options.roleFromGroups(claims[options.groupsClaim]), record };
      } else if (response.status === 401 && !tokens.refreshToken) {
        return { role: null, record };
      }
    }
    if (!tokens.refreshToken || !endpoints.token_endpoint) return { role: null, record };
    const response = await fetcher(endpoints.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refreshToken,
        client_id: options.clientId,
        client_secret: options.clientSecret,
      }),
    });
    if (!response.ok) return { role: null, record };
    const grant = (await response.json()) as { access_token?: string; expires_in?: number; refresh_token?: string; id_token?: string };
    const claims = idTokenClaims(grant.id_token);
    const next: SessionRecord = {
      ...record,
      oidc: {
        accessToken: grant.access_token,
        accessTokenExpiresAt: typeof grant.expires_in === 'number' ? now() + grant.expires_in * 1000 : undefined,
        refreshToken: grant.refresh_token ?? tokens.refreshToken,
      },
    };
    return { role: claims ? options.roleFromGroups(claims[options.groupsClaim]) : null, record: next };
  };
}
