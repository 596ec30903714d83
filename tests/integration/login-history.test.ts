// Each refusal reason reaches the login history after a real login through the local endpoint (or
// TestIdentityProvider for FTP), read back by the console's own reader from the local CloudWatch Logs.
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { TestIdentityProviderCommand, TransferClient } from '@aws-sdk/client-transfer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, type LoginLogRecord } from '@/lambda/handler';
import { configureAwsClients } from '@/lib/aws/clients';
import { lastSuccessfulLogins, listLoginRecords, parseLoginEvent, type LoginRecord } from '@/lib/console/login-records';
import { loginHistory } from '@/lib/console/login-history';
import { explainLogin } from '@/lib/console/login-reasons';
import { setUserDisabled } from '@/lib/console/users';
import { testLogin } from '@/lib/console/users/test-login';
import type { Actor } from '@/lib/auth/roles';
import { startTestStack, type TestStack } from './local-stack-fixture';

const SERVER = 's-1a2b3c4d5e6f70819';
const ROLE = 'arn:aws:iam::000000000000:role/transfer-efs-user';
const FS = 'fs-0123456789abcdef0';
const BOB_KEY = path.join(import.meta.dirname, '../../local/demo-keys/bob_ed25519');

let stack: TestStack;
let port: number;
let work: string;

function sftp(user: string, auth: { password?: string; key?: string }): Promise<number> {
  const batch = path.join(work, `batch-${Math.random().toString(36).slice(2)}`);
  writeFileSync(batch, 'pwd\n');
  const common = ['-oStrictHostKeyChecking=no', '-oUserKnownHostsFile=/dev/null', '-oConnectTimeout=10', '-P', String(port), '-b', batch];
  const [command, args] = auth.key
    ? ['sftp', ['-oPasswordAuthentication=no', '-oIdentitiesOnly=yes', '-i', auth.key, ...common, `${user}@127.0.0.1`]]
    : [
        'sshpass',
        [
          '-e',
          'sftp',
          '-oBatchMode=no',
          '-oPubkeyAuthentication=no',
          '-oPreferredAuthentications=password',
          '-oNumberOfPasswordPrompts=1',
          ...common,
          `${user}@127.0.0.1`,
        ],
      ];
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, SSHPASS: auth.password ?? '' }, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });
}

async function history(username: string): Promise<LoginRecord[]> {
  return (await listLoginRecords({ serverId: SERVER, username })).records;
}

beforeAll(async () => {
  stack = await startTestStack({ seed: true, sftp: true, sftpPort: 0 });
  port = stack.sftpEndpoints.find((s) => s.serverId === SERVER)!.port;
  configureAwsClients({
    endpoint: stack.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  work = mkdtempSync(path.join(tmpdir(), 'login-history-'));
  const sm = new SecretsManagerClient(stack.clientConfig);
  const users: Record<string, Record<string, unknown>> = {
    hana: { Password: 'Hana-Pass-1', Role: ROLE, PosixProfile: '{"Uid": 2201, "Gid": 2201}', HomeDirectory: `/${FS}/home/hana` },
    dis: { Password: 'Dis-Pass-1', Role: ROLE, PosixProfile: '{"Uid": 2202, "Gid": 2202}', HomeDirectory: `/${FS}/home/dis`, Disabled: 'true' },
    old: {
      Password: 'Old-Pass-1',
      Role: ROLE,
      PosixProfile: '{"Uid": 2203, "Gid": 2203}',
      HomeDirectory: `/${FS}/home/old`,
      ExpiresAt: '2020-01-01T00:00:00Z',
    },
    far: {
      Password: 'Far-Pass-1',
      Role: ROLE,
      PosixProfile: '{"Uid": 2204, "Gid": 2204}',
      HomeDirectory: `/${FS}/home/far`,
      AcceptedIpNetwork: '10.0.0.0/8',
    },
  };
  for (const [name, secret] of Object.entries(users)) {
    await sm.send(new CreateSecretCommand({ Name: `aws/transfer/${SERVER}/${name}`, SecretString: JSON.stringify(secret) }));
  }
});

afterAll(async () => {
  await stack?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the login history after real logins', () => {
  it('an allowed login is the last successful login, with where from, protocol and method', async () => {
    expect(await sftp('hana', { password: 'Hana-Pass-1' })).toBe(0);
    const [latest] = await history('hana');
    expect(latest).toMatchObject({
      decision: 'allow',
      reason: 'PASSWORD_OK',
      sourceIp: '127.0.0.1',
      protocol: 'SFTP',
      method: 'password',
      username: 'hana',
      serverId: SERVER,
    });
    const last = await lastSuccessfulLogins(SERVER, ['hana', 'dis', 'nobody']);
    expect(last.get('hana')?.id).toBe(latest!.id);
    expect(last.has('dis')).toBe(false);
  });

  it('a wrong password', async () => {
    expect(await sftp('hana', { password: 'not-it' })).not.toBe(0);
    const [latest] = await history('hana');
    expect(latest).toMatchObject({ decision: 'deny', reason: 'WRONG_PASSWORD' });
    expect(explainLogin(latest!)).toBe('Wrong password');
    expect(JSON.stringify(await history('hana'))).not.toContain('not-it');
  });

  it('a disabled user', async () => {
    expect(await sftp('dis', { password: 'Dis-Pass-1' })).not.toBe(0);
    const [latest] = await history('dis');
    expect(latest).toMatchObject({ decision: 'deny', reason: 'USER_DISABLED' });
    expect(explainLogin(latest!, { disabledBy: { actor: 'admin', time: '2026-03-04T05:06:00Z' } })).toBe('Disabled by admin on 2026-03-04 05:06 UTC');
  });

  it('an expired user', async () => {
    expect(await sftp('old', { password: 'Old-Pass-1' })).not.toBe(0);
    const [latest] = await history('old');
    expect(latest).toMatchObject({ decision: 'deny', reason: 'USER_EXPIRED' });
    expect(explainLogin(latest!, { expiresAt: '2020-01-01T00:00:00Z' })).toBe('Expired on 2020-01-01 00:00 UTC');
  });

  it('a source outside the allow-list', async () => {
    expect(await sftp('far', { password: 'Far-Pass-1' })).not.toBe(0);
    const [latest] = await history('far');
    expect(latest).toMatchObject({ decision: 'deny', reason: 'SOURCE_IP_REFUSED', sourceIp: '127.0.0.1' });
    expect(explainLogin(latest!, { acceptedIpNetworks: ['10.0.0.0/8'] })).toBe('Source 127.0.0.1 is outside the allow-list 10.0.0.0/8');
  });

  it('a key that is not on file', async () => {
    const other = path.join(work, 'other_ed25519');
    const made = await new Promise<number>((resolve) =>
      spawn('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]).on('close', (c) => resolve(c ?? 1)),
    );
    expect(made).toBe(0);
    expect(await sftp('bob', { key: other })).not.toBe(0);
    const [latest] = await history('bob');
    expect(latest).toMatchObject({ decision: 'deny', reason: 'PUBLIC_KEY_NOT_ON_FILE', method: 'publickey' });
    expect(latest!.keyFingerprint).toMatch(/^SHA256:/);
    expect(explainLogin(latest!)).toBe('Key login offered a key that is not on file');
    // The user page shows that attempt as one refused row, and not as a successful login.
    const page = await loginHistory(SERVER, 'bob');
    expect(page.records.map((r) => r.reason)).not.toContain('PUBLIC_KEYS_RETURNED');
    expect(page.records[0]).toMatchObject({ reason: 'PUBLIC_KEY_NOT_ON_FILE', explanation: 'Key login offered a key that is not on file' });
    expect(page.lastSuccess).toBeNull();

    const keyFile = path.join(work, 'bob_ed25519');
    copyFileSync(BOB_KEY, keyFile);
    chmodSync(keyFile, 0o600);
    expect(await sftp('bob', { key: keyFile })).toBe(0);
    expect((await history('bob'))[0]).toMatchObject({ decision: 'allow', reason: 'PUBLIC_KEYS_RETURNED', method: 'publickey' });
  });

  it('an FTPS login without a password (TestIdentityProvider)', async () => {
    const transfer = new TransferClient(stack.clientConfig);
    const answer = await transfer.send(
      new TestIdentityProviderCommand({ ServerId: SERVER, UserName: 'hana', ServerProtocol: 'FTPS', SourceIp: '10.1.2.3' }),
    );
    expect(answer.Response ?? '{}').not.toContain('Role');
    const [latest] = await history('hana');
    expect(latest).toMatchObject({ decision: 'deny', reason: 'EMPTY_PASSWORD_NOT_SFTP', protocol: 'FTPS', sourceIp: '10.1.2.3' });
    expect(explainLogin(latest!)).toBe('FTPS logins need a password');
  });

  it('a user who does not exist', async () => {
    expect(await sftp('ghost', { password: 'whatever-1' })).not.toBe(0);
    const [latest] = await history('ghost');
    expect(latest).toMatchObject({ decision: 'deny', reason: 'USER_NOT_FOUND' });
    expect(explainLogin(latest!)).toBe('No such user on this server');
  });

  it('pages further back, newest first, without repeating a record', async () => {
    const all = await history('hana');
    expect(all.length).toBeGreaterThanOrEqual(3);
    const first = await listLoginRecords({ serverId: SERVER, username: 'hana', limit: 1 });
    expect(first.records).toHaveLength(1);
    const second = await listLoginRecords({ serverId: SERVER, username: 'hana', limit: 1, nextToken: first.nextToken! });
    const third = await listLoginRecords({ serverId: SERVER, username: 'hana', limit: 5, nextToken: second.nextToken! });
    const paged = [...first.records, ...second.records, ...third.records].map((r) => r.id);
    expect(paged).toEqual(all.map((r) => r.id));
    expect(third.nextToken).toBeNull();
    await expect(listLoginRecords({ serverId: SERVER, nextToken: 'bogus' })).rejects.toThrow('not valid');
  });
});

describe('the local and AWS paths read the same log shape', () => {
  it('the Lambda’s own line, as CloudWatch stores it, reads the same as the local stack’s', async () => {
    const lines: LoginLogRecord[] = [];
    const secret = JSON.stringify({ Password: 'Hana-Pass-1', Role: ROLE, HomeDirectory: `/${FS}/home/hana` });
    const handler = createHandler({ client: { getSecretValue: () => Promise.resolve({ SecretString: secret }) }, log: (r) => lines.push(r) });
    await handler({ username: 'hana', password: 'nope', protocol: 'SFTP', serverId: SERVER, sourceIp: '127.0.0.1' }, { awsRequestId: 'req-1' });
    const fromAws = parseLoginEvent({ eventId: 'x', timestamp: Date.now(), message: JSON.stringify(lines[0]) });
    const local = (await history('hana')).find((r) => r.reason === 'WRONG_PASSWORD')!;
    const shape = (r: LoginRecord) => Object.keys(r).sort();
    expect(shape(fromAws!)).toEqual(shape(local));
    expect({ ...fromAws, id: '', time: '', latencyMs: 0, requestId: null, coldStart: null }).toEqual({
      ...local,
      id: '',
      time: '',
      latencyMs: 0,
      requestId: null,
      coldStart: null,
    });
  });
});

describe('a test login that explains', () => {
  const helpdesk: Actor = { username: 'hal', name: 'Hal', role: 'helpdesk' };

  it('says why a password login is refused, in the history’s words, and never returns the password', async () => {
    const wrong = await testLogin(SERVER, { username: 'hana', password: 'Not-Hana-1' }, helpdesk);
    expect(wrong).toMatchObject({ allowed: false, reason: 'WRONG_PASSWORD', explanation: 'Wrong password', role: null, mismatch: null });
    const far = await testLogin(SERVER, { username: 'far', password: 'Far-Pass-1', sourceIp: '203.0.113.9' }, helpdesk);
    expect(far.explanation).toBe('Source 203.0.113.9 is outside the allow-list 10.0.0.0/8');
    const near = await testLogin(SERVER, { username: 'far', password: 'Far-Pass-1', sourceIp: '10.9.8.7' }, helpdesk);
    expect(near).toMatchObject({
      allowed: true,
      reason: 'PASSWORD_OK',
      role: ROLE,
      homeDirectory: `/${FS}/home/far`,
      posixProfile: { Uid: 2204, Gid: 2204 },
    });
    expect(JSON.stringify([wrong, far, near])).not.toMatch(/Far-Pass-1|Not-Hana-1|argon2/);
  });

  it('names who disabled the user and when', async () => {
    await setUserDisabled(SERVER, 'hana', true, helpdesk);
    const result = await testLogin(SERVER, { username: 'hana', password: 'Hana-Pass-1' }, helpdesk);
    expect(result.reason).toBe('USER_DISABLED');
    expect(result.explanation).toMatch(/^Disabled by hal on \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    await setUserDisabled(SERVER, 'hana', false, helpdesk);
  });

  it('tests a key: on file or not', async () => {
    const onFile = readFileSync(`${BOB_KEY}.pub`, 'utf8').trim();
    const good = await testLogin(SERVER, { username: 'bob', publicKey: onFile }, helpdesk);
    expect(good).toMatchObject({ allowed: true, reason: 'PUBLIC_KEYS_RETURNED', method: 'publickey', key: { onFile: true } });
    const other = readFileSync(path.join(work, 'other_ed25519.pub'), 'utf8').trim();
    const bad = await testLogin(SERVER, { username: 'bob', publicKey: other }, helpdesk);
    expect(bad).toMatchObject({
      allowed: false,
      reason: 'PUBLIC_KEY_NOT_ON_FILE',
      explanation: 'Key login offered a key that is not on file',
      key: { onFile: false },
      role: null,
    });
    await expect(testLogin(SERVER, { username: 'bob', publicKey: 'ssh-ed25519 !!!' }, helpdesk)).rejects.toThrow(/base64/);
  });
});
