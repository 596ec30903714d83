// Console sign-in: exponential back-off per account and per source address with one answer for
// every refusal, and next-auth's redirect callback kept on the console.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(tmpdir(), 'auth-signin-'));
const usersFile = path.join(dir, 'console-users.json');
process.env.CONSOLE_USERS_FILE = usersFile;
process.env.NEXTAUTH_SECRET = 'test-secret-for-auth-signin-0123456789';
process.env.NEXTAUTH_URL = 'http://127.0.0.1:3000';
delete process.env.SIGNIN_TRUSTED_PROXIES;

const { clock } = await import('@/lib/auth/clock');
const { authOptions } = await import('@/lib/auth/options');
const { addLocalUser } = await import('@/lib/auth/local-users');
const { sourceAddress } = await import('@/lib/auth/signin-throttle');

let now = Date.UTC(2026, 0, 5, 9, 0, 0);
clock.now = () => now;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PASSWORD = 'Ann-password-2026!';
const provider = authOptions.providers[0] as unknown as {
  options: { authorize: (credentials: Record<string, string>, req: unknown) => Promise<unknown> };
};
const attempt = (username: string, password: string, source = '198.51.100.7') =>
  provider.options.authorize({ username, password }, { headers: { 'x-forwarded-for': source } });

describe('console sign-in throttling', () => {
  beforeEach(async () => {
    now += 24 * 60 * 60_000;
    await addLocalUser(usersFile, { username: 'ann', role: 'admin', password: PASSWORD });
  });

  it('signs in with the right password', async () => {
    expect(await attempt('ann', PASSWORD)).toMatchObject({ username: 'ann', role: 'admin' });
  });

  it('backs off after 5 wrong passwords: even the right one is refused, with the same answer, until the wait is over', async () => {
    for (let i = 0; i < 5; i++) expect(await attempt('ann', 'wrong')).toBeNull();
    expect(await attempt('ann', 'wrong')).toBeNull();
    // Throttled: the right password gets the very answer a wrong one gets.
    expect(await attempt('ann', PASSWORD, '203.0.113.9')).toBeNull();
    now += 1_500;
    expect(await attempt('ann', PASSWORD, '203.0.113.9')).toMatchObject({ username: 'ann' });
  });

  it('doubles the wait with each further failure', async () => {
    for (let i = 0; i < 8; i++) {
      expect(await attempt('ann', 'wrong')).toBeNull();
      now += 60_000;
    }
    // 5 free, then 1 s, 2 s, 4 s: the ninth failure blocks for 8 s.
    expect(await attempt('ann', 'wrong')).toBeNull();
    now += 7_000;
    expect(await attempt('ann', PASSWORD)).toBeNull();
    now += 1_500;
    expect(await attempt('ann', PASSWORD)).toMatchObject({ username: 'ann' });
  });

  it('treats an unknown name exactly like a real one', async () => {
    for (let i = 0; i < 6; i++) expect(await attempt('nobody', 'wrong')).toBeNull();
    for (let i = 0; i < 6; i++) expect(await attempt('ann', 'wrong', '192.0.2.1')).toBeNull();
    expect(await attempt('nobody', PASSWORD)).toBeNull();
    expect(await attempt('ann', PASSWORD, '192.0.2.1')).toBeNull();
  });

  it('backs off per source address across account names', async () => {
    for (let i = 0; i < 21; i++) expect(await attempt(`guess${i}`, 'wrong', '192.0.2.50')).toBeNull();
    expect(await attempt('ann', PASSWORD, '192.0.2.50')).toBeNull();
    expect(await attempt('ann', PASSWORD, '192.0.2.51')).toMatchObject({ username: 'ann' });
  });
});

describe("next-auth's redirect callback", () => {
  const redirect = (url: string) => authOptions.callbacks!.redirect!({ url, baseUrl: 'http://127.0.0.1:3000' });
  it.each(['/\\evil.example/', '/\\/evil.example', '/\t/evil.example', '//evil.example', 'https://evil.example', 'javascript:alert(1)'])(
    '%j lands on /servers',
    async (url) => {
      expect(await redirect(url)).toBe('http://127.0.0.1:3000/servers');
    },
  );
  it('keeps a console path', async () => {
    expect(await redirect('/audit?page=2')).toBe('http://127.0.0.1:3000/audit?page=2');
  });
});

describe('the source address a sign-in is counted under', () => {
  it.each([
    ['198.51.100.7', {}, '198.51.100.7'],
    ['203.0.113.1, 198.51.100.7', {}, '198.51.100.7'],
    ['203.0.113.1, 198.51.100.7, 10.0.0.2', { SIGNIN_TRUSTED_PROXIES: '2' }, '198.51.100.7'],
    ['2001:db8:1:2:3:4:5:6', {}, '2001:db8:1:2::/64'],
    ['2001:db8:1:2::ffff', {}, '2001:db8:1:2::/64'],
    ['2001:DB8::1', {}, '2001:db8:0:0::/64'],
    ['::ffff:198.51.100.7', {}, '198.51.100.7'],
    ['not an address', {}, 'unparseable'],
  ])('%j (%j) counts as %j', (header, env, expected) => {
    expect(sourceAddress({ 'x-forwarded-for': header }, env)).toBe(expected);
  });
});
