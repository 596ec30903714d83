import { encode } from 'next-auth/jwt';
import { NextRequest } from 'next/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { STATIC_SECURITY_HEADERS } from '@/lib/auth/security-headers';

import nextConfig from '@/next.config';

process.env.NEXTAUTH_SECRET = 'test-secret-for-the-proxy-0123456789';
const { proxy } = await import('@/proxy');

const BASE = 'http://127.0.0.1:3000';
let cookie = '';
beforeAll(async () => {
  cookie = await encode({
    token: { username: 'ann', role: 'admin', sid: 'A'.repeat(43), signedInAt: Date.now(), provider: 'credentials' },
    secret: process.env.NEXTAUTH_SECRET!,
  });
});

function request(path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  return new NextRequest(`${BASE}${path}`, { method: init.method ?? 'GET', headers: init.headers });
}

function expectSecurityHeaders(headers: Headers) {
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}' 'strict-dynamic'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp.split('; ').find((d) => d.startsWith('script-src '))).not.toContain('unsafe-inline');
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('same-origin');
  expect(headers.get('permissions-policy')).toContain('camera=()');
}

describe('the proxy', () => {
  it('sends a page request without a session to sign in, with the security headers', async () => {
    const response = await proxy(request('/servers?x=1'));
    expect(response.status).toBe(307);
    expect(new URL(response.headers.get('location')!).pathname).toBe('/signin');
    expect(new URL(response.headers.get('location')!).searchParams.get('callbackUrl')).toBe('/servers?x=1');
    expectSecurityHeaders(response.headers);
  });

  it('lets a signed-in page through with a fresh nonce that Next and the layout read', async () => {
    const first = await proxy(request('/servers', { headers: { cookie: `next-auth.session-token=${cookie}` } }));
    const second = await proxy(request('/servers', { headers: { cookie: `next-auth.session-token=${cookie}` } }));
    expect(first.headers.get('x-middleware-next')).toBe('1');
    expectSecurityHeaders(first.headers);
    const nonce = first.headers.get('x-middleware-request-x-nonce');
    expect(nonce).toBeTruthy();
    expect(first.headers.get('content-security-policy')).toContain(`'nonce-${nonce}'`);
    expect(first.headers.get('x-middleware-request-content-security-policy')).toBe(first.headers.get('content-security-policy'));
    expect(second.headers.get('x-middleware-request-x-nonce')).not.toBe(nonce);
  });

  it('lets a server action through without a session so the action answers in its form', async () => {
    const response = await proxy(request('/servers/s-1a2b3c4d5e6f70819/users', { method: 'POST', headers: { 'next-action': 'abc123' } }));
    expect(response.headers.get('x-middleware-next')).toBe('1');
    expectSecurityHeaders(response.headers);
  });

  it('lets the live preview answer an ended session itself (401 JSON), but still sends a GET of it to sign in', async () => {
    const post = await proxy(request('/api/servers/s-1a2b3c4d5e6f70819/users/preview', { method: 'POST' }));
    expect(post.headers.get('x-middleware-next')).toBe('1');
    expectSecurityHeaders(post.headers);
    expect((await proxy(request('/api/servers/s-1a2b3c4d5e6f70819/users/preview'))).status).toBe(307);
    expect((await proxy(request('/api/servers/s-1a2b3c4d5e6f70819/users/other', { method: 'POST' }))).status).toBe(307);
  });

  it('puts the headers on /api/auth/* and the sign-in page', async () => {
    for (const path of ['/api/auth/session', '/api/auth/csrf', '/signin']) {
      const response = await proxy(request(path));
      expect(response.headers.get('x-middleware-next')).toBe('1');
      expectSecurityHeaders(response.headers);
    }
  });

  it('adds HSTS only when served over HTTPS', async () => {
    expect((await proxy(request('/signin'))).headers.get('strict-transport-security')).toBeNull();
    const https = await proxy(request('/signin', { headers: { 'x-forwarded-proto': 'https' } }));
    expect(https.headers.get('strict-transport-security')).toMatch(/^max-age=\d{8}; includeSubDomains$/);
    expect(https.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
  });

  it('refuses a session cookie past its absolute lifetime', async () => {
    const old = await encode({
      token: { username: 'ann', role: 'admin', sid: 'A'.repeat(43), signedInAt: Date.now() - 9 * 60 * 60_000, provider: 'credentials' },
      secret: process.env.NEXTAUTH_SECRET!,
    });
    const response = await proxy(request('/servers', { headers: { cookie: `next-auth.session-token=${old}` } }));
    expect(response.status).toBe(307);
  });

  it('covers static files with the same fixed headers', async () => {
    const rules = (await nextConfig.headers?.()) ?? [];
    expect(rules[0]).toMatchObject({ source: '/_next/:path*' });
    expect(rules[0]!.headers).toEqual(expect.arrayContaining([...STATIC_SECURITY_HEADERS]));
    expect(rules[0]!.headers.find((h) => h.key === 'Content-Security-Policy')?.value).toContain("frame-ancestors 'none'");
  });
});
