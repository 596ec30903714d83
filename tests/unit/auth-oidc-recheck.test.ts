// OIDC sessions re-read the user's groups on an interval; losing the console group ends the session.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createOidcRoleCheck } from '@/lib/auth/oidc-recheck';
import { checkSession } from '@/lib/auth/session-check';
import { createSessionRecord, newSessionId, readSessionRecord } from '@/lib/auth/session-records';
import { roleFromGroups } from '@/lib/auth/options';

const dir = mkdtempSync(path.join(tmpdir(), 'auth-oidc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const policy = { absoluteMs: 8 * 3600_000, idleMs: 30 * 60_000, oidcRecheckMs: 5 * 60_000 };

function idp(groups: () => string[], refreshOk = () => true) {
  const calls: string[] = [];
  const answer = (input: string | URL, init?: RequestInit): Response => {
    const url = String(input);
    calls.push(url);
    if (url.endsWith('/.well-known/openid-configuration'))
      return Response.json({ userinfo_endpoint: 'https://idp.test/userinfo', token_endpoint: 'https://idp.test/token' });
    if (url === 'https://idp.test/userinfo') {
      return (init?.headers as Record<string, string>).authorization === 'Bearer live-token'
        ? Response.json({ sub: 'u1', groups: groups() })
        : new Response('', { status: 401 });
    }
    if (url === 'https://idp.test/token') {
      if (!refreshOk()) return new Response('{"error":"invalid_grant"}', { status: 400 });
      const payload = Buffer.from(JSON.stringify({ sub: 'u1', groups: groups() })).toString('base64url');
      return Response.json({ access_token: 'live-token', expires_in: 3600, refresh_token: 'rotated', id_token: `x.${payload}.y` });
    }
    return new Response('', { status: 404 });
  };
  const fetcher = ((input: string | URL, init?: RequestInit) => Promise.resolve(answer(input, init))) as typeof fetch;
  return { calls, fetcher };
}

async function signedIn(now: number, oidc: { accessToken?: string; accessTokenExpiresAt?: number; refreshToken?: string }) {
  const sid = newSessionId();
  await createSessionRecord(sid, { username: 'olga', role: 'admin', provider: 'oidc', createdAt: now, roleCheckedAt: now, oidc }, dir);
  return { sid, signedInAt: now, username: 'olga', role: 'admin', provider: 'oidc' };
}

describe('OIDC role re-check', () => {
  it('keeps the session while the user keeps the group, and ends it once the group is gone', async () => {
    let groups = ['transfer-desk-admins'];
    let now = Date.UTC(2026, 0, 5, 9);
    const { fetcher } = idp(() => groups);
    const recheckOidc = createOidcRoleCheck({
      issuer: 'https://idp.test',
      clientId: 'c',
      clientSecret: 's',
      groupsClaim: 'groups',
      roleFromGroups: (g) => roleFromGroups(g, {}),
      fetcher,
      now: () => now,
    });
    const claims = await signedIn(now, { accessToken: 'live-token', accessTokenExpiresAt: now + 3600_000, refreshToken: 'r1' });
    now += 6 * 60_000;
    expect(await checkSession(claims, { now, policy, dir, recheckOidc })).toMatchObject({ ok: true, role: 'admin' });
    groups = ['someone-else'];
    now += 2 * 60_000;
    // Within the interval the last answer stands.
    expect(await checkSession(claims, { now, policy, dir, recheckOidc })).toMatchObject({ ok: true });
    now += 4 * 60_000;
    expect(await checkSession(claims, { now, policy, dir, recheckOidc })).toEqual({ ok: false, reason: 'role-lost' });
    expect(await readSessionRecord(claims.sid, dir)).toBeNull();
  });

  it('uses the refresh token once the access token has expired, and ends the session when the refresh is refused', async () => {
    let now = Date.UTC(2026, 0, 6, 9);
    let refreshOk = true;
    const { fetcher, calls } = idp(
      () => ['transfer-desk-admins'],
      () => refreshOk,
    );
    const recheckOidc = createOidcRoleCheck({
      issuer: 'https://idp.test',
      clientId: 'c',
      clientSecret: 's',
      groupsClaim: 'groups',
      roleFromGroups: (g) => roleFromGroups(g, {}),
      fetcher,
      now: () => now,
    });
    const claims = await signedIn(now, { accessToken: 'old', accessTokenExpiresAt: now + 60_000, refreshToken: 'r1' });
    now += 6 * 60_000;
    expect(await checkSession(claims, { now, policy, dir, recheckOidc })).toMatchObject({ ok: true });
    expect(calls).toContain('https://idp.test/token');
    expect((await readSessionRecord(claims.sid, dir))?.record.oidc?.refreshToken).toBe('rotated');
    refreshOk = false;
    // The refreshed access token lasts an hour; until then userinfo answers, afterwards the refused refresh ends it.
    const refreshedAt = now;
    while (now + 10 * 60_000 < refreshedAt + 3600_000) {
      now += 10 * 60_000;
      expect(await checkSession(claims, { now, policy, dir, recheckOidc })).toMatchObject({ ok: true });
    }
    now = refreshedAt + 3600_000 + 1_000;
    expect(await checkSession(claims, { now, policy, dir, recheckOidc })).toEqual({ ok: false, reason: 'role-lost' });
  });

  it('ends an OIDC session when no re-check is possible', async () => {
    const now = Date.UTC(2026, 0, 7, 9);
    const claims = await signedIn(now, {});
    expect(await checkSession(claims, { now: now + 6 * 60_000, policy, dir })).toEqual({ ok: false, reason: 'role-lost' });
  });
});
