// Issue 8, console side: an edit writes exactly what the admin changed, a reset never widens access.
import { CreateSecretCommand, DeleteSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureAwsClients } from '@/lib/aws/clients';
import type { Actor } from '@/lib/auth/roles';
import { listAudit } from '@/lib/console/audit';
import { ConsoleError } from '@/lib/console/errors';
import { getUserForEdit, resetPassword, setUserDisabled, testLogin, updateUser } from '@/lib/console/users';
import { hashPassword } from '@/lib/secret/password';
import { ECDSA_384, ED25519, RSA_3072 } from '../fixtures/keys';
import { startTestStack, type TestStack } from './local-stack-fixture';

const SERVER = 's-1a2b3c4d5e6f70819';
const FS = 'fs-0123456789abcdef0';
const ROLE = 'arn:aws:iam::000000000000:role/transfer-efs-user';
const admin: Actor = { username: 'ann', name: 'Ann', role: 'admin' };
const helpdesk: Actor = { username: 'hal', name: 'Hal', role: 'helpdesk' };

let stack: TestStack;
let sm: SecretsManagerClient;
let hash: string;

beforeAll(async () => {
  stack = await startTestStack({ seed: true });
  configureAwsClients({ endpoint: stack.endpoint, region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 2 });
  sm = new SecretsManagerClient(stack.clientConfig);
  hash = await hashPassword('Round-Trip-Password-1');
});
afterAll(() => stack.dispose());

const secretId = (username: string) => `aws/transfer/${SERVER}/${username}`;

async function stored(username: string): Promise<{ versionId: string; secretString: string }> {
  const value = await sm.send(new GetSecretValueCommand({ SecretId: secretId(username) }));
  return { versionId: value.VersionId!, secretString: value.SecretString! };
}

async function put(username: string, secret: Record<string, unknown> | string): Promise<void> {
  await sm.send(new CreateSecretCommand({ Name: secretId(username), SecretString: typeof secret === 'string' ? secret : JSON.stringify(secret) }));
}

/** Opens the user as the edit form does and saves the form back untouched. */
async function saveUnchanged(username: string) {
  const opened = await getUserForEdit(SERVER, username);
  return updateUser(SERVER, username, opened.form, opened.versionId, admin);
}

describe('saving without a change', () => {
  const named: Record<string, string> = {
    // The AWS Storage blog's seed: JSON text inside the secret, plaintext password.
    'seed-blog':
      '{"Password":"Seed-Blog-2026","Role":"arn:aws:iam::000000000000:role/transfer-efs-user","PosixProfile":"{\\"Uid\\": 2201, \\"Gid\\": 2201}","HomeDirectoryDetails":"[{\\"Entry\\": \\"/\\", \\"Target\\": \\"/fs-0123456789abcdef0/home/seed\\"}]"}',
    // AWS's sample secret, spaced as the console shows it, with a PATH home.
    'aws-sample':
      '{\n  "Password": "Aws-Sample-2026",\n  "Role": "arn:aws:iam::000000000000:role/transfer-efs-user",\n  "PosixProfile": {"Uid": 2202, "Gid": 2201},\n  "HomeDirectory": "/fs-0123456789abcdef0/home/sample"\n}',
    'per-protocol': JSON.stringify({
      Role: ROLE,
      FTPSPassword: 'Ftps-Only-2026',
      SFTPRole: ROLE,
      FTPDisabled: 'true',
      PosixProfile: '{"Uid":2203,"Gid":2201}',
      HomeDirectory: `/${FS}/home/pp`,
      ExpiresAt: '2031-05-06T07:08:09Z',
    }),
    'unknown-keys': JSON.stringify({
      Note: 'kept',
      Role: ROLE,
      PublicKey: [ED25519.line],
      PosixProfile: { Uid: 2204, Gid: 2201 },
      HomeDirectoryDetails: [{ Entry: '/in', Target: `/${FS}/in` }],
      Extra: { nested: [1, 2] },
      Disabled: true,
    }),
  };

  it.each(['alice', 'bob', 'carol', ...Object.keys(named)])('leaves %s byte for byte as stored and writes no version', async (username) => {
    if (Object.hasOwn(named, username)) await put(username, named[username]!);
    const before = await stored(username);
    const result = await saveUnchanged(username);
    expect(result.changed).toBe(false);
    expect(await stored(username)).toEqual(before);
  });

  it('holds for generated valid secrets of every shape the contract reads', async () => {
    const jsonOrObject = <T>(value: fc.Arbitrary<T>) =>
      fc.oneof(
        value,
        value.map((v) => JSON.stringify(v)),
      );
    const posix = jsonOrObject(
      fc.record(
        {
          Uid: fc.integer({ min: 0, max: 70000 }),
          Gid: fc.integer({ min: 0, max: 70000 }),
          SecondaryGids: fc.array(fc.integer({ min: 0, max: 70000 }), { maxLength: 3 }),
        },
        { requiredKeys: ['Uid', 'Gid'] },
      ),
    );
    const segment = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);
    const home = fc.oneof(
      fc.constant({}),
      segment.map((s) => ({ HomeDirectory: `/${FS}/home/${s}` })),
      jsonOrObject(segment.map((s) => [{ Entry: '/', Target: `/${FS}/home/${s}` }])).map((d) => ({ HomeDirectoryDetails: d })),
      jsonOrObject(
        fc.uniqueArray(segment, { minLength: 1, maxLength: 3 }).map((names) => names.map((n) => ({ Entry: `/e-${n}`, Target: `/${FS}/t/${n}` }))),
      ).map((d) => ({ HomeDirectoryDetails: d })),
    );
    const keys = fc.subarray([ED25519.line, RSA_3072.line, ECDSA_384.line], { minLength: 1 });
    const secret = fc
      .record(
        {
          password: fc.oneof(fc.constant({}), fc.constant({ PasswordHash: hash }), fc.constant({ Password: 'Plain-Text-2026' })),
          keys: fc.oneof(
            fc.constant({}),
            keys.map((k) => ({ PublicKey: k })),
            keys.map((k) => ({ PublicKey: k.join(',') })),
          ),
          posix: posix.map((p) => ({ PosixProfile: p })),
          home,
          extras: fc.record(
            {
              AcceptedIpNetwork: fc.constantFrom('10.0.0.0/8', '10.0.0.0/8,192.168.0.0/16', '2001:db8::/32'),
              Disabled: fc.constantFrom('true', true, 'false'),
              ExpiresAt: fc.date({ min: new Date('2020-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
              FTPSPasswordHash: fc.constant(hash),
              SFTPRole: fc.constant(ROLE),
              Comment: fc.string({ maxLength: 20 }),
            },
            { requiredKeys: [] },
          ),
          order: fc.integer({ min: 0, max: 1000 }),
        },
        { requiredKeys: ['password', 'keys', 'posix', 'home', 'extras', 'order'] },
      )
      .filter((s) => Object.keys(s.password).length > 0 || Object.keys(s.keys).length > 0);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(secret, async (s) => {
        const entries = Object.entries({ Role: ROLE, ...s.password, ...s.keys, ...s.posix, ...s.home, ...s.extras });
        // A stable shuffle: the stored key order is whatever the author wrote.
        entries.sort(([a], [b]) => ((a.charCodeAt(0) * (s.order + 7)) % 31) - ((b.charCodeAt(0) * (s.order + 7)) % 31));
        const username = `gen-${run++}`;
        await put(username, Object.fromEntries(entries));
        const before = await stored(username);
        const result = await saveUnchanged(username);
        const after = await stored(username);
        await sm.send(new DeleteSecretCommand({ SecretId: secretId(username), ForceDeleteWithoutRecovery: true }));
        expect(result.changed).toBe(false);
        expect(after).toEqual(before);
      }),
      { numRuns: 60, seed: 8 },
    );
  });
});

describe('saving a change', () => {
  it('writes only the changed field onto the stored object: key order, shapes and unknown keys kept', async () => {
    await put(
      'ordered',
      '{"Note":"first","PosixProfile":{"Uid":2301,"Gid":2301},"Role":"arn:aws:iam::000000000000:role/transfer-efs-user","Password":"Ordered-2026","HomeDirectory":"/fs-0123456789abcdef0/home/o"}',
    );
    const opened = await getUserForEdit(SERVER, 'ordered');
    expect(opened.form.homeMode).toBe('path');
    const saved = await updateUser(SERVER, 'ordered', { ...opened.form, secondaryGids: '3000' }, opened.versionId, admin);
    expect(saved.changed).toBe(true);
    expect((await stored('ordered')).secretString).toBe(
      '{"Note":"first","PosixProfile":{"Uid":2301,"Gid":2301,"SecondaryGids":[3000]},"Role":"arn:aws:iam::000000000000:role/transfer-efs-user","Password":"Ordered-2026","HomeDirectory":"/fs-0123456789abcdef0/home/o"}',
    );
  });

  it('keeps alice’s PATH home, and switches a home type only when asked', async () => {
    const opened = await getUserForEdit(SERVER, 'alice');
    expect(opened.form).toMatchObject({ homeMode: 'path', rootLocation: FS, rootPath: '/home/alice' });
    await updateUser(SERVER, 'alice', { ...opened.form, gid: '2002' }, opened.versionId, admin);
    const kept = JSON.parse((await stored('alice')).secretString) as Record<string, unknown>;
    expect(kept.HomeDirectory).toBe(`/${FS}/home/alice`);
    expect(kept).not.toHaveProperty('HomeDirectoryDetails');
    const again = await getUserForEdit(SERVER, 'alice');
    await updateUser(SERVER, 'alice', { ...again.form, homeMode: 'root' }, again.versionId, admin);
    const logical = JSON.parse((await stored('alice')).secretString) as Record<string, unknown>;
    expect(logical).not.toHaveProperty('HomeDirectory');
    expect(logical.HomeDirectoryDetails).toBe(`[{"Entry":"/","Target":"/${FS}/home/alice"}]`);
  });

  it('an edit after one’s own Disable, made from the version the Disable wrote, is not a conflict', async () => {
    const opened = await getUserForEdit(SERVER, 'carol');
    const versionId = await setUserDisabled(SERVER, 'carol', true, helpdesk, { reason: 'paused by partner' });
    const saved = await updateUser(SERVER, 'carol', { ...opened.form, disabled: true, secondaryGids: '3000, 3005' }, versionId, admin);
    expect(saved.changed).toBe(true);
    const secret = JSON.parse((await stored('carol')).secretString) as Record<string, unknown>;
    expect(secret.Disabled).toBe('true');
    await setUserDisabled(SERVER, 'carol', false, helpdesk);
    const { records } = await listAudit({ username: 'carol', action: 'user.disable' });
    expect(records[0]?.details).toMatchObject({ reason: 'paused by partner' });
  });
});

describe('resetting passwords', () => {
  it('refuses a keys-only user and changes nothing', async () => {
    const before = await stored('bob');
    const refused = await resetPassword(SERVER, 'bob', helpdesk).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ConsoleError);
    expect((refused as ConsoleError).message).toMatch(/SSH keys only, so there is no password to reset\. Nothing was changed\./);
    expect(await stored('bob')).toEqual(before);
  });

  it('keeps a hash a hash, and the new password logs in', async () => {
    const reset = await resetPassword(SERVER, 'carol', helpdesk, { reason: 'forgotten' });
    // The version it wrote, so the page's edit form follows it rather than calling it a conflict.
    expect(reset.versionId).toBe((await stored('carol')).versionId);
    const secret = JSON.parse((await stored('carol')).secretString) as Record<string, unknown>;
    expect(secret.PasswordHash).toMatch(/^\$argon2id\$/);
    expect(secret).not.toHaveProperty('Password');
    expect(JSON.stringify(secret)).not.toContain(reset.password);
    expect((await testLogin(SERVER, { username: 'carol', password: reset.password }, helpdesk)).allowed).toBe(true);
    const { records } = await listAudit({ username: 'carol', action: 'user.reset-password' });
    expect(records[0]?.details).toMatchObject({ reason: 'forgotten', passwords: ['main'] });
    expect(JSON.stringify(records)).not.toContain(reset.password);
  });

  it('resets a protocol’s own password, in its own kind, and never adds a main password', async () => {
    await put('ftps-only', {
      Role: ROLE,
      FTPSPassword: 'Ftps-Only-2026',
      PublicKey: ED25519.line,
      PosixProfile: '{"Uid":2401,"Gid":2401}',
      HomeDirectory: `/${FS}/home/f`,
    });
    const reset = await resetPassword(SERVER, 'ftps-only', helpdesk);
    const secret = JSON.parse((await stored('ftps-only')).secretString) as Record<string, unknown>;
    expect(secret.FTPSPassword).toBe(reset.passwords.FTPS);
    expect(secret).not.toHaveProperty('Password');
    expect(secret).not.toHaveProperty('PasswordHash');
    expect(reset.message).toMatch(/legacy plaintext/);
  });

  it('asks which password when there are several, and resets only the chosen ones', async () => {
    await put('two-passwords', {
      Role: ROLE,
      PasswordHash: hash,
      FTPSPasswordHash: hash,
      PosixProfile: '{"Uid":2402,"Gid":2401}',
      HomeDirectory: `/${FS}/home/t`,
    });
    const before = await stored('two-passwords');
    await expect(resetPassword(SERVER, 'two-passwords', helpdesk)).rejects.toMatchObject({
      fieldErrors: { passwords: ['Choose at least one password to reset'] },
    });
    await expect(resetPassword(SERVER, 'two-passwords', helpdesk, { passwords: ['FTP'] })).rejects.toThrow(/has no FTP password/);
    expect(await stored('two-passwords')).toEqual(before);
    const reset = await resetPassword(SERVER, 'two-passwords', helpdesk, { passwords: ['FTPS'] });
    const secret = JSON.parse((await stored('two-passwords')).secretString) as Record<string, unknown>;
    expect(secret.PasswordHash).toBe(hash);
    expect(secret.FTPSPasswordHash).not.toBe(hash);
    expect(Object.keys(reset.passwords)).toEqual(['FTPS']);
    expect((await testLogin(SERVER, { username: 'two-passwords', password: reset.passwords.FTPS!, protocol: 'FTPS' }, helpdesk)).allowed).toBe(true);
  });
});

describe('any valid name, and errors where they belong', () => {
  const form = (overrides: Record<string, unknown> = {}) => ({
    username: '__proto__',
    password: { mode: 'generate' as const, storage: 'hash' as const },
    protocolPasswords: {},
    publicKeys: '',
    role: ROLE,
    uid: '2501',
    gid: '2501',
    secondaryGids: '',
    homeMode: 'root' as const,
    rootLocation: FS,
    rootPath: '/home/proto',
    mappings: [],
    acceptedIpNetwork: '',
    expiresAt: '',
    policy: '',
    disabled: false,
    ...overrides,
  });

  it('creates, opens, saves, resets and logs in a user named __proto__', async () => {
    const { createUser } = await import('@/lib/console/users');
    const created = await createUser(SERVER, form(), admin);
    expect((await testLogin(SERVER, { username: '__proto__', password: created.passwords.main! }, helpdesk)).allowed).toBe(true);
    expect((await saveUnchanged('__proto__')).changed).toBe(false);
    const reset = await resetPassword(SERVER, '__proto__', helpdesk);
    expect((await testLogin(SERVER, { username: '__proto__', password: reset.password }, helpdesk)).allowed).toBe(true);
  });

  it('reports an unchosen file system on the file-system field, an empty GID on the GID field', async () => {
    const { createUser } = await import('@/lib/console/users');
    const refused = (await createUser(SERVER, form({ username: 'no-fs', rootLocation: '', gid: '' }), admin).catch(
      (err: unknown) => err,
    )) as ConsoleError;
    expect(refused).toBeInstanceOf(ConsoleError);
    expect(refused.fieldErrors?.rootLocation).toEqual(['Choose the file system that holds the home folder.']);
    expect(refused.fieldErrors).not.toHaveProperty('rootPath');
    expect(refused.fieldErrors?.gid?.join(' ')).toMatch(/GID/);
  });

  it('answers a pasted private key with one message that does not echo it', async () => {
    const { previewUser } = await import('@/lib/console/users');
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';
    const preview = await previewUser(SERVER, form({ username: 'pk-user', publicKeys: key }));
    expect(preview.fieldErrors.publicKeys).toHaveLength(1);
    expect(preview.fieldErrors.publicKeys![0]).toMatch(/private key/);
    expect(JSON.stringify(preview)).not.toContain('b3BlbnNzaC1rZXktdjEAAAAA');
  });

  it('warns beside the field: a past expiry, a role in another account, a name differing only in case', async () => {
    const { previewUser } = await import('@/lib/console/users');
    const preview = await previewUser(
      SERVER,
      form({ username: 'Alice', expiresAt: '2020-01-01T00:00:00Z', role: 'arn:aws:iam::123456789012:role/elsewhere' }),
    );
    expect(preview.fieldWarnings.expiresAt?.join(' ')).toMatch(/in the past/);
    expect(preview.fieldWarnings.role?.join(' ')).toMatch(/account 123456789012/);
    expect(preview.fieldWarnings.username?.join(' ')).toMatch(/alice already exists/);
  });
});
