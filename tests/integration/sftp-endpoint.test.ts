// The local SFTP endpoint driven by OpenSSH's own `sftp` client in batch mode (sshpass types passwords).
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, createSecretsManagerClient } from '@/lambda/handler';
import { startSftpServer } from '@/local/sftp/server';
import { startTestStack, type TestStack } from './local-stack-fixture';

const SERVER = 's-1a2b3c4d5e6f70819';
const ROLE = 'arn:aws:iam::000000000000:role/transfer-efs-user';
const FS = 'fs-0123456789abcdef0';
const BOB_KEY = path.join(import.meta.dirname, '../../local/demo-keys/bob_ed25519');

let stack: TestStack;
let port: number;
let work: string;
let keyFile: string;

type Result = { code: number; output: string };

function sftp(target: { port: number; user: string; password?: string; key?: string }, commands: string[]): Promise<Result> {
  const batch = path.join(work, `batch-${Math.random().toString(36).slice(2)}`);
  writeFileSync(batch, `${commands.join('\n')}\n`);
  const common = ['-oStrictHostKeyChecking=no', '-oUserKnownHostsFile=/dev/null', '-oConnectTimeout=10', '-P', String(target.port), '-b', batch];
  const auth = target.key
    ? ['-oPasswordAuthentication=no', '-oIdentitiesOnly=yes', '-i', target.key]
    : ['-oBatchMode=no', '-oPubkeyAuthentication=no', '-oPreferredAuthentications=password', '-oNumberOfPasswordPrompts=1'];
  const [command, args] =
    target.password !== undefined && !target.key
      ? ['sshpass', ['-e', 'sftp', ...auth, ...common, `${target.user}@127.0.0.1`]]
      : target.password !== undefined
        ? ['sshpass', ['-e', 'sftp', '-oBatchMode=no', '-i', target.key!, '-oIdentitiesOnly=yes', ...common, `${target.user}@127.0.0.1`]]
        : ['sftp', [...auth, ...common, `${target.user}@127.0.0.1`]];
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, SSHPASS: target.password ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

const efs = (...parts: string[]) => path.join(stack.dataDir, 'efs', ...parts);

beforeAll(async () => {
  stack = await startTestStack({ seed: true, sftp: true, sftpPort: 0 });
  port = stack.sftpEndpoints[0]!.port;
  work = mkdtempSync(path.join(tmpdir(), 'sftp-test-'));
  keyFile = path.join(work, 'bob_ed25519');
  copyFileSync(BOB_KEY, keyFile);
  chmodSync(keyFile, 0o600);
  const sm = new SecretsManagerClient(stack.clientConfig);
  const users: Record<string, Record<string, unknown>> = {
    dora: {
      Password: 'Dora-Pass-1',
      Role: ROLE,
      PosixProfile: '{"Uid": 2101, "Gid": 2101}',
      HomeDirectoryDetails: `[{"Entry": "/", "Target": "/${FS}/home/dora"}]`,
    },
    dis: { Password: 'Dis-Pass-1', Role: ROLE, PosixProfile: '{"Uid": 2102, "Gid": 2102}', HomeDirectory: `/${FS}/home/dis`, Disabled: 'true' },
    old: {
      Password: 'Old-Pass-1',
      Role: ROLE,
      PosixProfile: '{"Uid": 2103, "Gid": 2103}',
      HomeDirectory: `/${FS}/home/old`,
      ExpiresAt: '2020-01-01T00:00:00Z',
    },
    far: {
      Password: 'Far-Pass-1',
      Role: ROLE,
      PosixProfile: '{"Uid": 2104, "Gid": 2104}',
      HomeDirectory: `/${FS}/home/far`,
      AcceptedIpNetwork: '10.0.0.0/8',
    },
    near: {
      Password: 'Near-Pass-1',
      Role: ROLE,
      PosixProfile: '{"Uid": 2105, "Gid": 2105}',
      HomeDirectory: `/${FS}/home/near`,
      AcceptedIpNetwork: '127.0.0.0/8,::1/128',
    },
  };
  for (const [name, secret] of Object.entries(users)) {
    await sm.send(new CreateSecretCommand({ Name: `aws/transfer/${SERVER}/${name}`, SecretString: JSON.stringify(secret) }));
  }
});

afterAll(async () => {
  await stack.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('logins through the Lambda', () => {
  it('a password user uploads and downloads; the file sits at the mapped path with the user’s UID/GID', async () => {
    const local = path.join(work, 'report.csv');
    writeFileSync(local, 'id,amount\n1,42\n');
    const result = await sftp({ port, user: 'dora', password: 'Dora-Pass-1' }, [
      'pwd',
      `put ${local} report.csv`,
      'ls -l',
      `get report.csv ${local}.back`,
    ]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('Remote working directory: /');
    const stored = efs(FS, 'home', 'dora', 'report.csv');
    expect(readFileSync(stored, 'utf8')).toBe('id,amount\n1,42\n');
    expect(readFileSync(`${local}.back`, 'utf8')).toBe('id,amount\n1,42\n');
    if (process.getuid?.() === 0) expect(statSync(stored)).toMatchObject({ uid: 2101, gid: 2101 });
  });

  it('a key user logs in with the key the Lambda returns', async () => {
    const result = await sftp({ port, user: 'bob', key: keyFile }, ['pwd', 'ls']);
    expect(result.code, result.output).toBe(0);
  });

  it('refuses a wrong password, a disabled user, an expired user and a source outside the allow-list', async () => {
    for (const [user, password] of [
      ['dora', 'wrong-password'],
      ['dis', 'Dis-Pass-1'],
      ['old', 'Old-Pass-1'],
      ['far', 'Far-Pass-1'],
      ['nobody', 'whatever-1'],
    ] as const) {
      const result = await sftp({ port, user, password }, ['pwd']);
      expect(result.code, `${user}: ${result.output}`).not.toBe(0);
      expect(result.output).toMatch(/Permission denied|Connection closed/);
    }
    expect((await sftp({ port, user: 'near', password: 'Near-Pass-1' }, ['pwd'])).code).toBe(0);
  });

  it('refuses a key the Lambda did not return', async () => {
    const other = path.join(work, 'other');
    const made = await new Promise<number>((resolve) =>
      spawn('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]).on('close', (c) => resolve(c ?? 1)),
    );
    expect(made).toBe(0);
    expect((await sftp({ port, user: 'bob', key: other }, ['pwd'])).code).not.toBe(0);
  });
});

describe('a logical home', () => {
  it('shows only the mapped folders', async () => {
    const result = await sftp({ port, user: 'carol', password: 'Demo-Carol-2026' }, ['ls /', 'cd /inbox', 'pwd']);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/\/archive\s+\/inbox/);
    expect(result.output).toContain('Remote working directory: /inbox');
  });

  it.each([
    ['a .. escape', 'get /inbox/../../../../etc/passwd'],
    ['an absolute path outside the mappings', 'get /etc/passwd'],
    ['the raw EFS path', `ls /${FS}`],
    ['a write into the virtual root', 'mkdir /newtop'],
    ['a rename out of the mappings', 'rename /inbox/note.txt /elsewhere.txt'],
    ['a symlink', 'symlink /inbox/note.txt /inbox/link'],
    ['a planted symlink that leads outside', 'get /inbox/planted/passwd'],
  ])('refuses %s', async (_name, command) => {
    writeFileSync(efs(FS, 'home', 'carol', 'inbox', 'note.txt'), 'hi');
    const planted = efs(FS, 'home', 'carol', 'inbox', 'planted');
    // Planted once, by the first case that gets here.
    if (!lstatSync(planted, { throwIfNoEntry: false })) symlinkSync('/etc', planted);
    const result = await sftp({ port, user: 'carol', password: 'Demo-Carol-2026' }, [command]);
    expect(result.code, result.output).not.toBe(0);
    expect(readFileSync(efs(FS, 'home', 'carol', 'inbox', 'note.txt'), 'utf8')).toBe('hi');
  });

  it('keeps files within the mapping on mkdir, rename, chmod, rm and rmdir', async () => {
    const local = path.join(work, 'mine.txt');
    writeFileSync(local, 'carol wrote this');
    const result = await sftp({ port, user: 'carol', password: 'Demo-Carol-2026' }, [
      'mkdir /inbox/sub',
      `put ${local} /inbox/mine.txt`,
      'rename /inbox/mine.txt /inbox/sub/note.txt',
      'chmod 640 /inbox/sub/note.txt',
      'ls -l /inbox/sub',
      'rm /inbox/sub/note.txt',
      'rmdir /inbox/sub',
    ]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('-rw-r-----');
  });

  it('enforces the POSIX profile: a file another user owns cannot be changed', async () => {
    const result = await sftp({ port, user: 'carol', password: 'Demo-Carol-2026' }, ['chmod 777 /inbox/note.txt']);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('Permission denied');
  });
});

describe('PUBLIC_KEY_AND_PASSWORD', () => {
  it('needs the key first and then the password, as Transfer asks', async () => {
    const handler = createHandler({ client: createSecretsManagerClient(stack.clientConfig), log: () => undefined });
    const sm = new SecretsManagerClient(stack.clientConfig);
    const key = readFileSync(`${BOB_KEY}.pub`, 'utf8').trim();
    await sm.send(
      new CreateSecretCommand({
        Name: `aws/transfer/${SERVER}/both`,
        SecretString: JSON.stringify({
          Password: 'Both-Pass-1',
          PublicKey: key,
          Role: ROLE,
          PosixProfile: '{"Uid": 2106, "Gid": 2106}',
          HomeDirectory: `/${FS}/home/both`,
        }),
      }),
    );
    const server = await startSftpServer({
      host: '127.0.0.1',
      port: 0,
      serverId: SERVER,
      hostKeyPath: path.join(work, 'both_host_key'),
      efsRoot: path.join(stack.dataDir, 'efs'),
      authenticationMethods: 'PUBLIC_KEY_AND_PASSWORD',
      authenticate: async (event) => await handler(event),
    });
    try {
      expect((await sftp({ port: server.port, user: 'both', password: 'Both-Pass-1' }, ['pwd'])).code).not.toBe(0);
      expect((await sftp({ port: server.port, user: 'both', key: keyFile }, ['pwd'])).code).not.toBe(0);
      const both = await sftp({ port: server.port, user: 'both', key: keyFile, password: 'Both-Pass-1' }, ['pwd']);
      expect(both.code, both.output).toBe(0);
      expect((await sftp({ port: server.port, user: 'both', key: keyFile, password: 'wrong-one' }, ['pwd'])).code).not.toBe(0);
    } finally {
      await server.close();
    }
  });
});
