// A captured session cookie stops working after removal, reset, role change, sign-out, the idle
// timeout and the absolute lifetime: for pages (requirePageRole), actions (authedAction) and
// /api/auth/session alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

const dir = mkdtempSync(path.join(tmpdir(), 'auth-sessions-'));
const usersFile = path.join(dir, 'console-users.json');
process.env.CONSOLE_USERS_FILE = usersFile;
process.env.NEXTAUTH_SECRET = 'test-secret-for-auth-sessions-0123456789';
process.env.NEXTAUTH_URL = 'http://127.0.0.1:3000';
delete process.env.CONSOLE_SESSIONS_DIR;

const jar = vi.hoisted(() => ({ cookies: {} }));
vi.mock('next/headers', () => ({
  cookies: () => Promise.resolve({ getAll: () => Object.entries(jar.cookies).map(([name, value]) => ({ name, value })) }),
  headers: () => Promise.resolve(new Headers({ host: '127.0.0.1:3000' })),
}));

const { encode } = await import('next-auth/jwt');
const { getServerSession } = await import('next-auth');
const { clock } = await import('@/lib/auth/clock');
const { authOptions } = await import('@/lib/auth/options');
const { getActor, requirePageRole } = await import('@/lib/auth/session');
const { authedAction } = await import('@/lib/auth/authed-action');
const { addLocalUser, removeLocalUser, setLocalUserRole } = await import('@/lib/auth/local-users');
const { sessionsDir } = await import('@/lib/auth/session-records');

const COOKIE = 'next-auth.session-token';
let now = Date.UTC(2026, 0, 5, 9, 0, 0);
clock.now = () => now;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Signs in as next-auth would (the jwt callback with the user) and returns the cookie value. */
async function signIn(username: string, role: 'admin' | 'helpdesk'): Promise<{ cookie: string; token: Record<string, unknown> }> {
  const token = await authOptions.callbacks!.jwt!({
    token: {},
    user: { id: username, name: username, username, role },
    account: { provider: 'credentials', type: 'credentials', providerAccountId: username },
  } as never);
  const cookie = await encode({ token, secret: process.env.NEXTAUTH_SECRET! });
  return { cookie, token };
}

function present(cookie: string) {
  jar.cookies = { [COOKIE]: cookie };
}

const adminAction = authedAction('admin', z.object({ username: z.string() }), (input) =>
  Promise.resolve({ status: 'success', message: `did ${input.username}` }),
);
const form = () => {
  const data = new FormData();
  data.set('username', 'alice');
  return data;
};

async function pageRedirect(): Promise<string | null> {
  try {
    await requirePageRole('helpdesk');
    return null;
  } catch (err) {
    return String((err as { digest?: string }).digest ?? err);
  }
}

/** What GET /api/auth/session does with the cookie: the session (or null) and the Set-Cookie headers. */
async function sessionEndpoint(cookie: string): Promise<{ body: unknown; setCookies: string[] }> {
  const setCookies: string[] = [];
  const res = {
    getHeader: () => setCookies,
    setHeader: (_name: string, value: string | string[]) => {
      setCookies.splice(0, setCookies.length, ...(Array.isArray(value) ? value : [value]));
    },
  };
  const body = await getServerSession({ headers: { host: '127.0.0.1:3000' }, cookies: { [COOKIE]: cookie } } as never, res as never, authOptions);
  return { body, setCookies };
}

async function expectRefused(cookie: string) {
  present(cookie);
  expect(await getActor()).toBeNull();
  expect(await pageRedirect()).toContain('/signin');
  expect(await adminAction({ status: 'idle' }, form())).toMatchObject({
    status: 'error',
    code: 'session-ended',
    message: 'Your session has ended. Sign in again.',
  });
  const answer = await sessionEndpoint(cookie);
  expect(answer.body).toBeNull();
  // The cookie is cleared, not renewed.
  expect(answer.setCookies.filter((c) => c.startsWith(`${COOKIE}=`))).toEqual([expect.stringMatching(new RegExp(`^${COOKIE}=;`))]);
}

describe('console sessions', () => {
  beforeEach(async () => {
    now += 24 * 60 * 60_000;
    await addLocalUser(usersFile, { username: 'ann', role: 'admin', password: 'Ann-password-2026!' });
    now += 1_000;
  });

  it('works while the account is unchanged, for a page, an action and /api/auth/session', async () => {
    const { cookie } = await signIn('ann', 'admin');
    present(cookie);
    expect(await getActor()).toEqual({ username: 'ann', name: 'ann', role: 'admin' });
    expect(await pageRedirect()).toBeNull();
    expect(await adminAction({ status: 'idle' }, form())).toEqual({ status: 'success', message: 'did alice' });
    expect((await sessionEndpoint(cookie)).body).toMatchObject({ user: { username: 'ann', role: 'admin' } });
  });

  it('refuses a captured cookie once the account is removed', async () => {
    const { cookie } = await signIn('ann', 'admin');
    await removeLocalUser(usersFile, 'ann');
    await expectRefused(cookie);
  });

  it('refuses a captured cookie once the password is reset', async () => {
    const { cookie } = await signIn('ann', 'admin');
    now += 1_000;
    await addLocalUser(usersFile, { username: 'ann', role: 'admin', password: 'A-new-password-2026!' });
    await expectRefused(cookie);
    // A new sign-in after the reset works.
    now += 1_000;
    present((await signIn('ann', 'admin')).cookie);
    expect(await getActor()).toMatchObject({ username: 'ann' });
  });

  it('refuses a captured cookie once the role is lowered to helpdesk', async () => {
    const { cookie } = await signIn('ann', 'admin');
    now += 1_000;
    await setLocalUserRole(usersFile, 'ann', 'helpdesk');
    await expectRefused(cookie);
  });

  it('refuses a cookie captured before sign-out', async () => {
    const { cookie, token } = await signIn('ann', 'admin');
    await authOptions.events!.signOut!({ token, session: null } as never);
    await expectRefused(cookie);
  });

  it('ends a session idle for 30 minutes, and activity keeps it alive', async () => {
    const { cookie } = await signIn('ann', 'admin');
    present(cookie);
    for (let i = 0; i < 4; i++) {
      now += 20 * 60_000;
      expect(await getActor()).toMatchObject({ username: 'ann' });
    }
    now += 30 * 60_000;
    await expectRefused(cookie);
  });

  it('ends a session 8 hours after sign-in however active it was', async () => {
    const { cookie } = await signIn('ann', 'admin');
    present(cookie);
    const signedIn = now;
    while (now + 10 * 60_000 < signedIn + 8 * 60 * 60_000) {
      now += 10 * 60_000;
      expect(await getActor()).toMatchObject({ username: 'ann' });
      // Renewals by /api/auth/session cannot move the limit.
      expect((await sessionEndpoint(cookie)).body).toMatchObject({ user: { username: 'ann' } });
    }
    now = signedIn + 8 * 60 * 60_000;
    await expectRefused(cookie);
  });

  it('refuses a forged cookie whose session was never recorded', async () => {
    const cookie = await encode({
      token: { username: 'ann', role: 'admin', sid: 'A'.repeat(43), signedInAt: now, provider: 'credentials' },
      secret: process.env.NEXTAUTH_SECRET!,
    });
    await expectRefused(cookie);
  });

  it('keeps the session records beside the accounts, where every instance reads them', () => {
    expect(sessionsDir()).toBe(path.join(dir, 'console-sessions'));
  });
});
