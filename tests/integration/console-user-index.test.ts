// The per-server user index against the local stack: bounded AWS calls per page, preview and create,
// UIDs reserved at save, the users list's status/filters/sorting/search, pending deletions paged.
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/roles';
import { ConsoleError } from '@/lib/console/errors';
import { forgetServerDescriptions } from '@/lib/console/servers';
import type { UserFormInput } from '@/lib/console/user-form';
import { builtUserIndex, resetUserIndexes, userIndex } from '@/lib/console/user-index';
import { uidCounterSecretId } from '@/lib/console/user-index-uids';
import { resetLoginIndexes } from '@/lib/console/user-index-logins';
import {
  createUser,
  deleteUser,
  listPendingDeletion,
  listUsers,
  previewUser,
  restoreUser,
  setUserDisabled,
  testLogin,
  uidUsage,
} from '@/lib/console/users';
import { secretName, serializeUserSecret } from '@/lib/secret/contract';
import { pointConsoleAt, startTestStack, type TestStack } from './local-stack-fixture';

const SERVER = 's-1a2b3c4d5e6f70819';
const admin: Actor = { username: 'ann', name: 'Ann', role: 'admin' };
const ROLE = 'arn:aws:iam::000000000000:role/transfer-efs-user';
const USERS = 260;

function form(overrides: Partial<UserFormInput> = {}): UserFormInput {
  return {
    username: 'newbie',
    password: { mode: 'none', storage: 'hash' },
    protocolPasswords: {},
    publicKeys: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl test',
    role: ROLE,
    uid: '',
    gid: '',
    secondaryGids: '',
    homeMode: 'root',
    rootLocation: 'fs-0123456789abcdef0',
    rootPath: '/home/${transfer:UserName}',
    mappings: [],
    acceptedIpNetwork: '',
    expiresAt: '',
    policy: '',
    disabled: false,
    ...overrides,
  };
}

let stack: TestStack;
let sm: SecretsManagerClient;
let calls: string[] = [];

const secret = (uid: number, extra: Record<string, unknown> = {}) =>
  serializeUserSecret({
    PasswordHash: '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0YmVuY2g$YmVuY2hoYXNoYmVuY2hoYXNoYmVuY2hoYXNoYmVuY2g',
    Role: ROLE,
    PosixProfile: { Uid: uid, Gid: uid },
    HomeDirectoryDetails: [{ Entry: '/', Target: '/fs-0123456789abcdef0/home/${transfer:UserName}' }],
    ...extra,
  });

beforeAll(async () => {
  stack = await startTestStack({ seed: true });
  pointConsoleAt(stack, { maxAttempts: 2, onCall: (command) => calls.push(command) });
  sm = new SecretsManagerClient(stack.clientConfig);
  // Users made outside the console (no tags), as the adoption path does.
  for (let i = 0; i < USERS; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, USERS - i) }, (_, j) => i + j).map((n) =>
        sm.send(new CreateSecretCommand({ Name: secretName(SERVER, `bulk${String(n).padStart(4, '0')}`), SecretString: secret(5000 + n) })),
      ),
    );
  }
  await sm.send(
    new CreateSecretCommand({
      Name: secretName(SERVER, 'Mixed.Case-Partner'),
      SecretString: JSON.stringify({ ...JSON.parse(secret(7000)), PasswordHash: undefined, Password: 'plain-Text-1' }),
    }),
  );
  await sm.send(
    new CreateSecretCommand({
      Name: secretName(SERVER, 'soon-expiring'),
      SecretString: secret(7001, { ExpiresAt: new Date(Date.now() + 5 * 86400_000).toISOString() }),
    }),
  );
  await sm.send(
    new CreateSecretCommand({ Name: secretName(SERVER, 'long-expired'), SecretString: secret(7002, { ExpiresAt: '2020-01-01T00:00:00Z' }) }),
  );
});
afterAll(() => stack.dispose());
beforeEach(() => {
  calls = [];
});

describe('the user index', () => {
  it('is built in the background: a cold users page still answers with a bounded number of calls', async () => {
    resetUserIndexes();
    forgetServerDescriptions();
    const page = await listUsers(SERVER);
    expect(page.indexed).toBe(false);
    expect(page.users.length).toBe(20);
    const index = await builtUserIndex(SERVER);
    expect(index.users.size).toBeGreaterThanOrEqual(USERS + 3);
    expect(index.users.get('bulk0007')).toMatchObject({ uid: 5007, gid: 5007, passwordMode: 'hash', disabled: false });
  });

  it('serves a page of a large server with 3 AWS calls: the page re-read, its last logins and the pending deletions', async () => {
    await builtUserIndex(SERVER);
    calls = [];
    await listUsers(SERVER);
    expect(calls.sort()).toEqual(['BatchGetSecretValueCommand', 'FilterLogEventsCommand', 'ListSecretsCommand']);
    calls = [];
    const page = await listUsers(SERVER, { page: 3 });
    expect(calls.sort()).toEqual(['BatchGetSecretValueCommand', 'FilterLogEventsCommand']);
    expect(page).toMatchObject({ indexed: true, page: 3 });
    expect(page.total).toBeGreaterThanOrEqual(USERS + 3);
    expect(page.users).toHaveLength(20);
    expect(JSON.stringify(page)).not.toMatch(/argon2id|plain-Text-1/);
  });

  it('searches anywhere in the name ignoring case, filters by status and sorts', async () => {
    const search = await listUsers(SERVER, { search: 'case-PART' });
    expect(search.users.map((u) => u.username)).toEqual(['Mixed.Case-Partner']);
    expect(search.users[0]!.statuses).toEqual(['active', 'plaintext', 'never-logged-in']);
    const plaintext = await listUsers(SERVER, { status: 'plaintext' });
    expect(plaintext.users.map((u) => u.username)).toContain('Mixed.Case-Partner');
    expect(plaintext.users.every((u) => u.passwordMode === 'plaintext')).toBe(true);
    const expiring = await listUsers(SERVER, { status: 'expiring' });
    expect(expiring.users.map((u) => u.username)).toEqual(['soon-expiring']);
    const expired = await listUsers(SERVER, { status: 'expired' });
    expect(expired.users.map((u) => u.username)).toEqual(['long-expired']);
    expect(expired.users[0]!.statuses).not.toContain('active');
    const byExpiry = await listUsers(SERVER, { sort: 'expiry' });
    expect(byExpiry.users.slice(0, 2).map((u) => u.username)).toEqual(['long-expired', 'soon-expiring']);
    const desc = await listUsers(SERVER, { sort: 'name', order: 'desc' });
    const names = desc.users.map((u) => u.username);
    expect(names).toEqual([...names].sort().reverse());
    const none = await listUsers(SERVER, { search: 'no such name' });
    expect(none.users).toEqual([]);
  });

  it('shows the last login, filters users who never logged in and sorts by last login', async () => {
    const helpdesk: Actor = { username: 'hal', name: 'Hal', role: 'helpdesk' };
    expect((await testLogin(SERVER, { username: 'alice', password: 'Demo-Alice-2026' }, helpdesk)).allowed).toBe(true);
    expect((await testLogin(SERVER, { username: 'bulk0001', password: 'wrong' }, helpdesk)).allowed).toBe(false);
    resetLoginIndexes();
    const alice = (await listUsers(SERVER, { search: 'alice' })).users[0]!;
    expect(alice.lastLoginAt).toEqual(expect.any(String));
    expect(alice.statuses).not.toContain('never-logged-in');
    const never = await listUsers(SERVER, { status: 'never-logged-in', search: 'bulk000' });
    expect(never.users.map((u) => u.username)).toContain('bulk0001');
    expect(never.users.every((u) => u.lastLoginAt === null)).toBe(true);
    expect((await listUsers(SERVER, { status: 'never-logged-in' })).users.map((u) => u.username)).not.toContain('alice');
    const byLogin = await listUsers(SERVER, { sort: 'login' });
    expect(byLogin.users[0]!.username).toBe('alice');
  });

  it('follows the console’s own writes at once', async () => {
    await builtUserIndex(SERVER);
    await setUserDisabled(SERVER, 'bulk0011', true, admin);
    const disabled = await listUsers(SERVER, { status: 'disabled' });
    expect(disabled.users.map((u) => u.username)).toContain('bulk0011');
    await setUserDisabled(SERVER, 'bulk0011', false, admin);
    expect((await listUsers(SERVER, { status: 'disabled' })).users.map((u) => u.username)).not.toContain('bulk0011');
  });

  it('previews with at most 2 AWS calls and never scans: UID and case warnings from the index', async () => {
    await builtUserIndex(SERVER);
    forgetServerDescriptions();
    calls = [];
    const preview = await previewUser(SERVER, form({ username: 'mixed.case-partner', uid: '5010', gid: '5010' }));
    expect(calls.length).toBeLessThanOrEqual(2);
    expect(calls).not.toContain('ListSecretsCommand');
    expect(preview.warnings.join(' ')).toContain('UID 5010 is already used by bulk0010');
    expect(preview.warnings.join(' ')).toContain('Mixed.Case-Partner already exists');
  });
});

describe('UIDs reserved at save', () => {
  it('suggests a UID above every UID in use, also those of users made outside the console', async () => {
    const usage = await uidUsage(SERVER);
    expect(usage.complete).toBe(true);
    expect(usage.nextUid).toBeGreaterThan(7002);
    expect(usage.usedBy['5003']).toEqual(['bulk0003']);
  });

  it('two concurrent creates of the suggested UID: one is saved, the other refused naming the next free UID', async () => {
    const { nextUid } = await uidUsage(SERVER);
    const suggested = String(nextUid);
    const results = await Promise.allSettled(
      ['race-one', 'race-two'].map((username) =>
        createUser(SERVER, form({ username, uid: suggested, gid: suggested }), admin, { suggestedUid: suggested }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(ConsoleError);
    expect((lost[0]!.reason as ConsoleError).fieldErrors?.uid?.[0]).toContain(`${nextUid + 1} is the next free UID`);
    // Nothing was written for the refused create.
    const batch = await sm.send(new BatchGetSecretValueCommand({ SecretIdList: [secretName(SERVER, 'race-one'), secretName(SERVER, 'race-two')] }));
    expect(batch.SecretValues).toHaveLength(1);
    expect((await uidUsage(SERVER)).nextUid).toBe(nextUid + 1);
  });

  it('ten concurrent creates each taking the next suggestion get ten different UIDs', async () => {
    const created: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => `crowd${i}`).map(async (username) => {
        for (let attempt = 0; attempt < 20; attempt++) {
          const suggested = String((await uidUsage(SERVER)).nextUid);
          try {
            await createUser(SERVER, form({ username, uid: suggested, gid: suggested }), admin, { suggestedUid: suggested });
            created.push(Number(suggested));
            return;
          } catch (err) {
            if (!(err instanceof ConsoleError && err.fieldErrors?.uid)) throw err;
          }
        }
        throw new Error(`${username} never got a UID`);
      }),
    );
    expect(new Set(created).size).toBe(10);
  });

  it('keeps a UID the admin typed on purpose, shared or not, and creates with at most 5 AWS calls', async () => {
    await createUser(SERVER, form({ username: 'shares-on-purpose', uid: '5004', gid: '5004' }), admin, { suggestedUid: '99999' });
    expect((await uidUsage(SERVER)).usedBy['5004']).toEqual(['bulk0004', 'shares-on-purpose']);
    const { nextUid } = await uidUsage(SERVER);
    calls = [];
    await createUser(SERVER, form({ username: 'counted', uid: String(nextUid), gid: String(nextUid) }), admin, { suggestedUid: String(nextUid) });
    expect(calls.length).toBeLessThanOrEqual(5);
    const counter = await sm.send(new GetSecretValueCommand({ SecretId: uidCounterSecretId(SERVER) }));
    expect(JSON.parse(counter.SecretString!)).toEqual({ next: nextUid + 1 });
  });

  it('never lists the UID counter as a user', async () => {
    const status = await userIndex(SERVER);
    expect(status.ready && [...status.index.users.keys()].some((name) => name.includes('uid-counter'))).toBe(false);
  });
});

describe('pending deletions', () => {
  it('pages 110 pending deletions, every one restorable', async () => {
    const names = Array.from({ length: 110 }, (_, i) => `bulk${String(i).padStart(4, '0')}`);
    for (let i = 0; i < names.length; i += 10) await Promise.all(names.slice(i, i + 10).map((name) => deleteUser(SERVER, name, 7, admin)));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await listPendingDeletion(SERVER, token);
      seen.push(...page.rows.map((r) => r.username));
      token = page.nextToken ?? undefined;
      pages++;
    } while (token && pages < 10);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(names);
    const first = await listUsers(SERVER);
    expect(first.pendingDeletion).toHaveLength(50);
    expect(first.pendingDeletionNextToken).not.toBeNull();
    expect(first.users.map((u) => u.username)).not.toContain('bulk0000');
    for (let i = 0; i < names.length; i += 10) await Promise.all(names.slice(i, i + 10).map((name) => restoreUser(SERVER, name, admin)));
    expect((await listPendingDeletion(SERVER)).rows).toEqual([]);
    expect((await listUsers(SERVER, { search: 'bulk0109' })).users.map((u) => u.username)).toEqual(['bulk0109']);
  });

  it('a change made outside the console shows once the index is refreshed', async () => {
    await sm.send(new PutSecretValueCommand({ SecretId: secretName(SERVER, 'bulk0200'), SecretString: secret(5200, { Disabled: true }) }));
    resetUserIndexes();
    await builtUserIndex(SERVER);
    expect((await listUsers(SERVER, { status: 'disabled' })).users.map((u) => u.username)).toContain('bulk0200');
  });
});
