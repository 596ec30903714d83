// The live preview's route handler (POST /api/servers/<id>/users/preview) against the local stack,
// with real sessions: who may ask, from where, with what body, and that it answers exactly what
// previewUser computes; an aborted preview stops before or during its AWS call and loses nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ED25519 } from '../fixtures/keys';
import { pointConsoleAt, startTestStack, type TestStack } from './local-stack-fixture';

const dir = mkdtempSync(path.join(tmpdir(), 'preview-route-'));
process.env.CONSOLE_USERS_FILE = path.join(dir, 'console-users.json');
process.env.NEXTAUTH_SECRET = 'test-secret-for-the-preview-route-0123456789';
process.env.NEXTAUTH_URL = 'http://127.0.0.1:3000';
delete process.env.CONSOLE_SESSIONS_DIR;

// Next hands a route handler's request headers and cookies to next/headers; so does this mock.
const current = vi.hoisted(() => ({ headers: new Headers() }));
vi.mock('next/headers', () => ({
  headers: () => Promise.resolve(current.headers),
  cookies: () =>
    Promise.resolve({
      getAll: () =>
        (current.headers.get('cookie') ?? '')
          .split(/;\s*/)
          .filter(Boolean)
          .map((pair) => ({ name: pair.slice(0, pair.indexOf('=')), value: pair.slice(pair.indexOf('=') + 1) })),
    }),
}));

const { encode } = await import('next-auth/jwt');
const { authOptions } = await import('@/lib/auth/options');
const { addLocalUser } = await import('@/lib/auth/local-users');
const { builtUserIndex, noteUserChanged } = await import('@/lib/console/user-index');
const { previewUser } = await import('@/lib/console/users');
const { forgetServerDescriptions, getServer } = await import('@/lib/console/servers');
const { POST } = await import('@/app/api/servers/[serverId]/users/preview/route');

const SERVER = 's-1a2b3c4d5e6f70819';
const ORIGIN = 'http://127.0.0.1:3000';
const ROLE = 'arn:aws:iam::000000000000:role/transfer-efs-user';
const PRIVATE_KEY_BODY = 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW';

let stack: TestStack;
let calls: string[] = [];
/** Runs when an AWS call starts (after the counter saw it), to abort a preview mid-call. */
let onCall: ((command: string) => void) | null = null;
const cookies: Record<'admin' | 'helpdesk', string> = { admin: '', helpdesk: '' };

async function signIn(username: string, role: 'admin' | 'helpdesk'): Promise<string> {
  await addLocalUser(process.env.CONSOLE_USERS_FILE!, { username, role, password: `${username}-Password-2026!` });
  const token = await authOptions.callbacks!.jwt!({
    token: {},
    user: { id: username, name: username, username, role },
    account: { provider: 'credentials', type: 'credentials', providerAccountId: username },
  } as never);
  return `next-auth.session-token=${await encode({ token, secret: process.env.NEXTAUTH_SECRET! })}`;
}

beforeAll(async () => {
  stack = await startTestStack({ seed: true });
  pointConsoleAt(stack, {
    maxAttempts: 1,
    onCall: (command) => {
      calls.push(command);
      onCall?.(command);
    },
  });
  cookies.admin = await signIn('ann', 'admin');
  cookies.helpdesk = await signIn('hal', 'helpdesk');
  await builtUserIndex(SERVER);
});
afterAll(async () => {
  await stack.dispose();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  calls = [];
  onCall = null;
});

/** The create form's named inputs as the browser posts them. */
function formFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    username: 'route-user',
    passwordMode: 'none',
    publicKeys: ED25519.line,
    role: ROLE,
    uid: '4321',
    gid: '4321',
    secondaryGids: '',
    homeMode: 'root',
    rootLocation: 'fs-0123456789abcdef0',
    rootPath: '/home/route-user',
    acceptedIpNetwork: '',
    expiresAt: '',
    expiresAtIso: '',
    expiresAtShown: '',
    ...overrides,
  };
}

type Call = { cookie?: 'admin' | 'helpdesk' | null; headers?: Record<string, string>; body?: BodyInit; server?: string; signal?: AbortSignal };

/** POSTs to the route as the browser would from the console's own page; a header set to '' is left out. */
async function post({ cookie = 'admin', headers = {}, body = new URLSearchParams(formFields()), server = SERVER, signal }: Call = {}) {
  const sent = new Headers({
    host: '127.0.0.1:3000',
    origin: ORIGIN,
    'sec-fetch-site': 'same-origin',
    ...(cookie ? { cookie: cookies[cookie] } : {}),
  });
  for (const [name, value] of Object.entries(headers)) {
    if (value === '') sent.delete(name);
    else sent.set(name, value);
  }
  const request = new Request(`${ORIGIN}/api/servers/${server}/users/preview`, {
    method: 'POST',
    body,
    headers: sent,
    ...(signal ? { signal } : {}),
  });
  current.headers = request.headers;
  const response = await POST(request, { params: Promise.resolve({ serverId: server }) });
  const text = await response.text();
  return {
    status: response.status,
    text,
    json: JSON.parse(text) as Record<string, unknown> & { data?: unknown; fieldErrors?: Record<string, string[]> },
  };
}

describe('who may preview', () => {
  it('answers 401 JSON without a session and computes nothing', async () => {
    const answer = await post({ cookie: null });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ status: 'error', code: 'session-ended', message: 'Your session has ended. Sign in again.' });
    expect(calls).toEqual([]);
  });

  it('refuses the help desk (creating and editing users is for admins), as the form’s actions do', async () => {
    const answer = await post({ cookie: 'helpdesk' });
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('Only admins can do this; your role is helpdesk') as string,
    });
    expect(calls).toEqual([]);
  });

  it.each([
    ['another site’s Origin', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }],
    ['a cross-site fetch without Origin', { origin: '', 'sec-fetch-site': 'cross-site' }],
    ['a sibling site', { origin: 'http://127.0.0.1:3001', 'sec-fetch-site': 'same-site' }],
    ['no browser headers at all', { origin: '', 'sec-fetch-site': '' }],
  ])('refuses %s with an admin’s cookie', async (_name, headers) => {
    const answer = await post({ headers });
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ code: 'cross-site', message: 'The request did not come from this console. Nothing was changed.' });
    expect(calls).toEqual([]);
  });
});

describe('what it accepts', () => {
  it('refuses a body that is neither a form nor JSON (415)', async () => {
    const answer = await post({ body: 'username=x', headers: { 'content-type': 'text/plain' } });
    expect(answer.status).toBe(415);
    expect(answer.json).toMatchObject({ code: 'not-a-form' });
  });

  it.each([
    ['broken JSON', '{"username":'],
    ['a JSON array', '["username"]'],
    ['JSON with a non-text field', '{"username":{"nested":true}}'],
  ])('refuses %s with 400', async (_name, body) => {
    const answer = await post({ body, headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ status: 'error', code: 'malformed' });
  });

  it('refuses a body over 64 KiB (413), even when its length is not declared', async () => {
    const big = new URLSearchParams(formFields({ publicKeys: 'x'.repeat(70 * 1024) })).toString();
    const declared = await post({ body: big, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(declared.status).toBe(413);
    const chunks = [big.slice(0, 40_000), big.slice(40_000)];
    const streamed = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    const request = new Request(`${ORIGIN}/api/servers/${SERVER}/users/preview`, {
      method: 'POST',
      body: streamed,
      duplex: 'half',
      headers: { origin: ORIGIN, host: '127.0.0.1:3000', cookie: cookies.admin, 'content-type': 'application/x-www-form-urlencoded' },
    } as RequestInit);
    current.headers = request.headers;
    const response = await POST(request, { params: Promise.resolve({ serverId: SERVER }) });
    expect(response.status).toBe(413);
    expect(calls).toEqual([]);
  });

  it('answers 400 with the field’s own error for a form the schema refuses', async () => {
    const answer = await post({ body: new URLSearchParams(formFields({ passwordMode: 'sometimes' })) });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ code: 'invalid-input', fieldErrors: { passwordMode: ['Choose what happens to the password'] } });
    const editing = await post({ body: new URLSearchParams({ ...formFields(), editing: '../alice' }) });
    expect(editing.status).toBe(400);
    expect(editing.json.fieldErrors).toEqual({ editing: ['Unknown user'] });
  });

  it('answers 404 for a server that cannot exist or does not', async () => {
    expect((await post({ server: 'not-a-server' })).status).toBe(404);
    const missing = await post({ server: 's-00000000000000000' });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ code: 'not-found' });
  });
});

describe('what it answers', () => {
  it('gives exactly previewUser’s preview, from a form post and from JSON alike', async () => {
    const expected = await previewUser(SERVER, {
      username: 'route-user',
      password: { mode: 'none', storage: 'hash' },
      protocolPasswords: {},
      publicKeys: ED25519.line,
      role: ROLE,
      uid: '4321',
      gid: '4321',
      secondaryGids: '',
      homeMode: 'root',
      rootLocation: 'fs-0123456789abcdef0',
      rootPath: '/home/route-user',
      mappings: [],
      acceptedIpNetwork: '',
      expiresAt: '',
      policy: '',
      disabled: false,
    });
    expect(expected.lambdaAnswer).toMatchObject({ Role: ROLE, PosixProfile: { Uid: 4321, Gid: 4321 } });
    const form = await post();
    expect(form.status).toBe(200);
    expect(form.json).toEqual({ status: 'success', data: expected });
    const json = await post({ body: JSON.stringify(formFields()), headers: { 'content-type': 'application/json' } });
    expect(json.json).toEqual({ status: 'success', data: expected });
  });

  it('names the edited user’s UID only when someone else holds it', async () => {
    const index = await builtUserIndex(SERVER);
    const aliceUid = String(index.users.get('alice')!.uid);
    const { username: _none, ...editFields } = formFields({ uid: aliceUid, passwordMode: 'keep' });
    const asAlice = await post({ body: new URLSearchParams({ ...editFields, editing: 'alice' }) });
    expect(asAlice.status).toBe(200);
    expect(JSON.stringify(asAlice.json)).not.toContain(`UID ${aliceUid} is already used`);
    const asNewUser = await post({ body: new URLSearchParams(formFields({ uid: aliceUid })) });
    expect((asNewUser.json.data as { fieldWarnings: Record<string, string[]> }).fieldWarnings.uid).toEqual([
      `UID ${aliceUid} is already used by alice on this server: they would share file ownership.`,
    ]);
  });

  it('never echoes a private key pasted by mistake: it is refused on its field', async () => {
    const pasted = `-----BEGIN OPENSSH PRIVATE KEY-----\n${PRIVATE_KEY_BODY}\n-----END OPENSSH PRIVATE KEY-----`;
    const answer = await post({ body: new URLSearchParams(formFields({ publicKeys: pasted })) });
    expect(answer.status).toBe(200);
    expect(answer.json.data).toMatchObject({ storedSecret: null, lambdaAnswer: null, publicKeys: [] });
    expect((answer.json.data as { fieldErrors: Record<string, string[]> }).fieldErrors.publicKeys![0]).toMatch(/private key/);
    expect(answer.text).not.toContain(PRIVATE_KEY_BODY);
  });
});

describe('when AWS fails', () => {
  it('answers 502 with the console’s own message and logs only the error’s name', async () => {
    forgetServerDescriptions();
    onCall = (command) => {
      if (command === 'DescribeServerCommand')
        throw Object.assign(new Error('Rate exceeded for route-user hunter2'), { name: 'ThrottlingException' });
    };
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const answer = await post();
      expect(answer.status).toBe(502);
      expect(answer.json).toEqual({ status: 'error', code: 'failed', message: 'AWS is throttling requests right now; reload the page in a moment.' });
      const lines = logged.mock.calls.flat().join('\n');
      expect(lines).toContain('"error":"ThrottlingException"');
      expect(lines).not.toContain('hunter2');
    } finally {
      logged.mockRestore();
    }
    onCall = null;
    expect((await post()).status).toBe(200);
  });
});

describe('an aborted preview', () => {
  it('stops before its AWS call and leaves the changed user to be re-read by the next preview', async () => {
    noteUserChanged(SERVER, 'alice');
    const gone = new AbortController();
    gone.abort();
    const aborted = await post({ signal: gone.signal });
    expect(aborted.status).toBe(499);
    expect(calls).toEqual([]);
    const next = await post();
    expect(next.status).toBe(200);
    expect(calls).toEqual(['BatchGetSecretValueCommand']);
  });

  it('stops during its AWS call, and the next preview still re-reads the changed user', async () => {
    await getServer(SERVER);
    calls = [];
    noteUserChanged(SERVER, 'bob');
    const leaving = new AbortController();
    onCall = (command) => {
      if (command === 'BatchGetSecretValueCommand') leaving.abort();
    };
    const aborted = await post({ signal: leaving.signal });
    expect(aborted.status).toBe(499);
    expect(calls).toEqual(['BatchGetSecretValueCommand']);
    onCall = null;
    calls = [];
    expect((await post()).status).toBe(200);
    expect(calls).toEqual(['BatchGetSecretValueCommand']);
    calls = [];
    expect((await post()).status).toBe(200);
    expect(calls).toEqual([]);
  });
});
