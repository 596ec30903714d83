// The console's data layer against the local stack: what an admin and the help desk do to users.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/roles';
import { listAudit, recordAudit } from '@/lib/console/audit';
import { ConsoleError, StaleVersionError } from '@/lib/console/errors';
import type { UserFormInput } from '@/lib/console/user-form';
import {
  createUser,
  deleteUser,
  getUserForEdit,
  listUsers,
  previewUser,
  resetPassword,
  restoreUser,
  setUserDisabled,
  testLogin,
  uidUsage,
  updateUser,
} from '@/lib/console/users';
import { builtUserIndex } from '@/lib/console/user-index';
import { ED25519 } from '../fixtures/keys';
import { pointConsoleAt, startTestStack, type TestStack } from './local-stack-fixture';

const SERVER = 's-1a2b3c4d5e6f70819';
const MANAGED = 's-0fedcba9876543210';
const admin: Actor = { username: 'ann', name: 'Ann', role: 'admin' };
const ROLE = 'arn:aws:iam::000000000000:role/transfer-efs-user';

function form(overrides: Partial<UserFormInput> = {}): UserFormInput {
  return {
    username: 'newbie',
    password: { mode: 'generate', storage: 'hash' },
    protocolPasswords: {},
    publicKeys: '',
    role: ROLE,
    uid: '3001',
    gid: '3001',
    secondaryGids: '',
    homeMode: 'root',
    rootLocation: 'fs-0123456789abcdef0',
    rootPath: '/home/newbie',
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

beforeAll(async () => {
  stack = await startTestStack({ seed: true });
  pointConsoleAt(stack, { maxAttempts: 2, onCall: (command) => calls.push(command) });
  sm = new SecretsManagerClient(stack.clientConfig);
});
afterAll(() => stack.dispose());

async function stored(username: string): Promise<Record<string, string>> {
  const value = await sm.send(new GetSecretValueCommand({ SecretId: `aws/transfer/${SERVER}/${username}` }));
  return JSON.parse(value.SecretString!) as Record<string, string>;
}

describe('creating users', () => {
  it('stores only an argon2id hash of the generated password, which then logs in', async () => {
    const created = await createUser(SERVER, form({ username: 'hana', rootPath: '/home/hana' }), admin);
    expect(created.passwords.main).toHaveLength(20);
    const secret = await stored('hana');
    expect(secret.PasswordHash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(secret)).not.toContain(created.passwords.main!);
    expect(secret.HomeDirectoryDetails).toBe('[{"Entry":"/","Target":"/fs-0123456789abcdef0/home/hana"}]');
    expect(secret.PosixProfile).toBe('{"Uid":3001,"Gid":3001}');
    expect((await testLogin(SERVER, { username: 'hana', password: created.passwords.main! }, admin)).allowed).toBe(true);
  });

  it('stores legacy plaintext only when asked, readable by AWS’s sample Lambda', async () => {
    const created = await createUser(SERVER, form({ username: 'legacy', password: { mode: 'generate', storage: 'plaintext' } }), admin);
    expect((await stored('legacy')).Password).toBe(created.passwords.main);
  });

  it('refuses a taken name, a pending-deletion name and invalid fields, writing nothing', async () => {
    await expect(createUser(SERVER, form({ username: 'alice' }), admin)).rejects.toMatchObject({
      fieldErrors: { username: ['This user name is taken on this server'] },
    });
    const invalid = await createUser(SERVER, form({ username: 'x!', uid: '-5', acceptedIpNetwork: '1.2.3.4/99' }), admin).catch(
      (err: ConsoleError) => err,
    );
    expect(invalid).toBeInstanceOf(ConsoleError);
    expect(Object.keys((invalid as ConsoleError).fieldErrors ?? {}).sort()).toEqual(['acceptedIpNetwork', 'uid', 'username']);
    await expect(sm.send(new GetSecretValueCommand({ SecretId: `aws/transfer/${SERVER}/x!` }))).rejects.toBeDefined();
  });

  it('refuses to manage a service-managed server', async () => {
    await expect(createUser(MANAGED, form({ username: 'zoe' }), admin)).rejects.toThrow(/service-managed/);
  });

  it('validates keys and shows their fingerprints in the preview, with the Lambda’s exact answer', async () => {
    const preview = await previewUser(
      SERVER,
      form({ username: 'kim', password: { mode: 'none', storage: 'hash' }, publicKeys: ED25519.line, uid: '2001' }),
    );
    expect(preview.publicKeys[0]?.fingerprint).toBe(ED25519.fingerprint);
    expect(preview.lambdaAnswer).toMatchObject({
      Role: ROLE,
      PublicKeys: [ED25519.line],
      HomeDirectoryType: 'LOGICAL',
      PosixProfile: { Uid: 2001, Gid: 3001 },
    });
    expect(preview.warnings.join(' ')).toContain('UID 2001 is already used by alice');
    const rootPreview = await previewUser(SERVER, form({ uid: '0' }));
    expect(rootPreview.warnings.join(' ')).toContain('UID 0 is root');
    expect(JSON.stringify(rootPreview.storedSecret)).toContain('<argon2id hash, made on save>');
  });

  it('suggests the next free UID', async () => {
    const usage = await uidUsage(SERVER);
    expect(usage.nextUid).toBe(3002);
    expect(usage.usedBy['2001']).toEqual(['alice']);
  });
});

describe('listing users', () => {
  // Issue 10/14: the list is served from the user index; with it built, a page is the page's rows
  // re-read (BatchGetSecretValue), the pending deletions (ListSecrets) and the page's last logins
  // (one FilterLogEvents), whatever the size.
  it('renders a page with a bounded number of AWS calls and searches anywhere in the name', async () => {
    await builtUserIndex(SERVER);
    calls = [];
    const page = await listUsers(SERVER);
    expect(calls.sort()).toEqual(['BatchGetSecretValueCommand', 'FilterLogEventsCommand', 'ListSecretsCommand']);
    expect(page.users.map((u) => u.username)).toEqual(expect.arrayContaining(['alice', 'bob', 'carol']));
    const carol = page.users.find((u) => u.username === 'carol')!;
    expect(carol).toMatchObject({ authMethods: ['password'], uid: 2003, gid: 2001, disabled: false });
    expect(JSON.stringify(page)).not.toMatch(/argon2id|Demo-/);
    const search = await listUsers(SERVER, { prefix: 'ca' });
    expect(search.users.map((u) => u.username)).toEqual(['carol']);
  });
});

describe('editing users', () => {
  it('keeps the password when the form keeps it, and refuses a stale save keeping the other change', async () => {
    const before = await stored('carol');
    const opened = await getUserForEdit(SERVER, 'carol');
    expect(JSON.stringify(opened)).not.toContain(before.PasswordHash);
    const first = await updateUser(SERVER, 'carol', { ...opened.form, secondaryGids: '3000, 3001' }, opened.versionId, admin);
    expect(first.passwords).toEqual({});
    await expect(updateUser(SERVER, 'carol', { ...opened.form, uid: '9999' }, opened.versionId, admin)).rejects.toBeInstanceOf(StaleVersionError);
    const after = await stored('carol');
    expect(after.PosixProfile).toBe('{"Uid":2003,"Gid":2001,"SecondaryGids":[3000,3001]}');
    expect(after.PasswordHash).toBe(before.PasswordHash);
  });

  it('preserves keys it does not know', async () => {
    await sm.send(
      new (await import('@aws-sdk/client-secrets-manager')).PutSecretValueCommand({
        SecretId: `aws/transfer/${SERVER}/legacy`,
        SecretString: JSON.stringify({ ...(await stored('legacy')), CustomNote: 'keep me' }),
      }),
    );
    const opened = await getUserForEdit(SERVER, 'legacy');
    await updateUser(SERVER, 'legacy', { ...opened.form, gid: '4000' }, opened.versionId, admin);
    expect((await stored('legacy')).CustomNote).toBe('keep me');
  });
});

describe('the help desk', () => {
  const helpdesk: Actor = { username: 'hal', name: 'Hal', role: 'helpdesk' };

  it('resets a password: the new one logs in, the old one no longer does', async () => {
    const { password } = await resetPassword(SERVER, 'alice', helpdesk);
    expect((await testLogin(SERVER, { username: 'alice', password }, helpdesk)).allowed).toBe(true);
    expect((await testLogin(SERVER, { username: 'alice', password: 'Demo-Alice-2026' }, helpdesk)).allowed).toBe(false);
  });

  it('keeps a legacy plaintext user in plaintext on reset', async () => {
    const { password } = await resetPassword(SERVER, 'legacy', helpdesk);
    expect((await stored('legacy')).Password).toBe(password);
  });

  it('disables and enables', async () => {
    await setUserDisabled(SERVER, 'carol', true, helpdesk);
    expect((await testLogin(SERVER, { username: 'carol', password: 'Demo-Carol-2026' }, helpdesk)).allowed).toBe(false);
    await setUserDisabled(SERVER, 'carol', false, helpdesk);
    const result = await testLogin(SERVER, { username: 'carol', password: 'Demo-Carol-2026' }, helpdesk);
    expect(result).toMatchObject({ allowed: true, homeDirectoryType: 'LOGICAL', posixProfile: { Uid: 2003 } });
  });
});

describe('deleting users', () => {
  it('deletes with a recovery window, lists the user apart, and restores', async () => {
    await expect(deleteUser(SERVER, 'bob', 3, admin)).rejects.toThrow(/7 to 30 days/);
    await deleteUser(SERVER, 'bob', 7, admin);
    const page = await listUsers(SERVER);
    expect(page.users.map((u) => u.username)).not.toContain('bob');
    expect(page.pendingDeletion.map((u) => u.username)).toEqual(['bob']);
    await expect(createUser(SERVER, form({ username: 'bob' }), admin)).rejects.toThrow(/recovery window/);
    await restoreUser(SERVER, 'bob', admin);
    const restored = await listUsers(SERVER);
    expect(restored.users.map((u) => u.username)).toContain('bob');
    expect(restored.pendingDeletion).toEqual([]);
  });
});

describe('the audit trail', () => {
  it('records who did what to whom, never a secret value', async () => {
    const { records } = await listAudit({ username: 'alice' });
    expect(records.map((r) => r.action)).toEqual(expect.arrayContaining(['user.reset-password', 'user.test-login']));
    expect(records.find((r) => r.action === 'user.reset-password')).toMatchObject({ actor: 'hal', actorRole: 'helpdesk', serverId: SERVER });
    const all = await listAudit();
    expect(all.records.map((r) => r.action)).toEqual(
      expect.arrayContaining(['user.create', 'user.update', 'user.delete', 'user.restore', 'user.disable', 'user.enable']),
    );
    expect(JSON.stringify(all)).not.toMatch(/argon2id|Demo-Alice|Demo-Carol/);
  });

  it('lists the newest records first, 100 at a time, and goes further back on request', async () => {
    for (let i = 0; i < 105; i++) await recordAudit(admin, 'user.test-login', SERVER, 'pager', { attempt: i });
    const first = await listAudit({ username: 'pager' });
    expect(first.records).toHaveLength(100);
    expect(first.records[0]!.details?.attempt).toBe(104);
    expect(first.olderThan).not.toBeNull();
    const older = await listAudit({ username: 'pager', to: new Date(new Date(first.olderThan!).getTime() - 1) });
    expect(older.records.map((r) => r.details?.attempt)).toEqual(expect.arrayContaining([0]));
    expect(older.records.length).toBeGreaterThanOrEqual(5);
  });
});
