// The local SFTP endpoint under abuse: login limits (after OpenSSH's MaxAuthTries, LoginGraceTime,
// MaxStartups and PerSourcePenalties), the handle cap, setuid bits, hostile homes in a secret, and
// uploads that are interrupted. OpenSSH's sftp where a user would use it, ssh2's client where a test
// must drive the protocol request by request.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateSecretCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import ssh2, { type Client, type FileEntry, type SFTPWrapper, type Stats } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSftpServer, type SftpLimits } from '@/local/sftp/server';
import { startTestStack, type TestStack } from './local-stack-fixture';

const SERVER = 's-1a2b3c4d5e6f70819';
const ROLE = 'arn:aws:iam::000000000000:role/transfer-efs-user';
const FS = 'fs-0123456789abcdef0';

let stack: TestStack;
let port: number;
let work: string;
const logs: Record<string, unknown>[] = [];
const efs = (...parts: string[]) => path.join(stack.dataDir, 'efs', ...parts);

function sftpCli(target: { port: number; user: string; password: string }, commands: string[]): Promise<{ code: number; output: string }> {
  const batch = path.join(work, `batch-${Math.random().toString(36).slice(2)}`);
  writeFileSync(batch, `${commands.join('\n')}\n`);
  const args = ['-e', 'sftp', '-oBatchMode=no', '-oPubkeyAuthentication=no', '-oPreferredAuthentications=password', '-oNumberOfPasswordPrompts=1'];
  args.push(
    '-oStrictHostKeyChecking=no',
    '-oUserKnownHostsFile=/dev/null',
    '-oConnectTimeout=10',
    '-P',
    String(target.port),
    '-b',
    batch,
    `${target.user}@127.0.0.1`,
  );
  return new Promise((resolve) => {
    const child = spawn('sshpass', args, { env: { ...process.env, SSHPASS: target.password }, stdio: ['ignore', 'pipe', 'pipe'] });
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

type Attempted = { client: Client; ready: boolean; closed: Promise<void>; attempts: number; errors: Error[] };

/** Connects with ssh2's client, offering `passwords` in turn; resolves when logged in or closed. */
function login(targetPort: number, username: string, passwords: string[]): Promise<Attempted> {
  const client = new ssh2.Client();
  const state: Attempted = { client, ready: false, attempts: 0, errors: [], closed: new Promise((resolve) => client.once('close', () => resolve())) };
  return new Promise((resolve, reject) => {
    client.once('ready', () => {
      state.ready = true;
      resolve(state);
    });
    client.once('close', () => resolve(state));
    // Refused logins and disconnects are what these tests provoke: kept in `errors`. A server that
    // is not listening fails the test instead of passing as a refusal.
    client.on('error', (err: Error & { code?: string }) => (err.code === 'ECONNREFUSED' ? reject(err) : state.errors.push(err)));
    client.connect({
      host: '127.0.0.1',
      port: targetPort,
      username,
      readyTimeout: 20_000,
      authHandler: (_methodsLeft, _partial, next) => {
        const password = passwords[state.attempts];
        state.attempts += 1;
        if (password === undefined) return void client.end();
        next({ type: 'password', username, password });
      },
    });
  });
}

function openSftp(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp))));
}

const promised = <T>(fn: (callback: (err: Error | null | undefined, value: T) => void) => void) =>
  new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

/** A server whose identity provider is a stub: counts calls, allows `right-password` for any name. */
async function stubServer(limits: Partial<SftpLimits>, answer: Record<string, unknown> = allowAnswer('/fs-0123456789abcdef0/home/stub')) {
  const calls: Record<string, unknown>[] = [];
  const lines: Record<string, unknown>[] = [];
  const server = await startSftpServer({
    host: '127.0.0.1',
    port: 0,
    serverId: SERVER,
    hostKeyPath: path.join(work, 'stub_host_key'),
    efsRoot: path.join(stack.dataDir, 'efs'),
    authenticationMethods: 'PASSWORD',
    authenticate: (event) => {
      calls.push(event);
      return Promise.resolve(event.password === 'right-password' ? answer : {});
    },
    log: (line) => lines.push(line),
    limits,
  });
  return { ...server, calls, lines };
}

function allowAnswer(homeDirectory: string): Record<string, unknown> {
  return { Role: ROLE, PosixProfile: { Uid: process.getuid?.() ?? 1000, Gid: process.getgid?.() ?? 1000 }, HomeDirectory: homeDirectory };
}

/** A raw TCP connection: resolves with what the server sent first (its SSH banner) or '' if it closed. */
function rawConnection(targetPort: number): Promise<{ socket: Socket; banner: string }> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(targetPort, '127.0.0.1');
    // A reset is how the server turns a connection away (then `close` answers ''); any other error fails the test.
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? undefined : reject(err)));
    socket.once('data', (data: Buffer) => resolve({ socket, banner: data.toString() }));
    socket.once('close', () => resolve({ socket, banner: '' }));
  });
}

const NO_PENALTIES: Partial<SftpLimits> = { userPenaltyFreeFailures: 1000, sourcePenaltyFreeFailures: 1000 };

beforeAll(async () => {
  stack = await startTestStack({ seed: true, sftp: true, sftpPort: 0, log: (line) => logs.push(line) });
  port = stack.sftpEndpoints[0]!.port;
  work = mkdtempSync(path.join(tmpdir(), 'sftp-hardening-'));
  const sm = new SecretsManagerClient(stack.clientConfig);
  const uid = process.getuid?.() ?? 1000;
  const users: Record<string, Record<string, unknown>> = {
    hana: { Password: 'Hana-Pass-1', Role: ROLE, PosixProfile: `{"Uid": ${uid}, "Gid": ${uid}}`, HomeDirectory: `/${FS}/home/hana` },
    // Written straight to Secrets Manager, past the console's contract: each tries to leave its target.
    esc1: { Password: 'Esc-Pass-1', Role: ROLE, PosixProfile: '{"Uid": 2201, "Gid": 2201}', HomeDirectory: `/${FS}/home/../..` },
    esc2: {
      Password: 'Esc-Pass-1',
      Role: ROLE,
      PosixProfile: '{"Uid": 2202, "Gid": 2202}',
      HomeDirectoryDetails: `[{"Entry": "/", "Target": "/${FS}/.."}]`,
    },
    esc3: {
      Password: 'Esc-Pass-1',
      Role: ROLE,
      PosixProfile: '{"Uid": 2203, "Gid": 2203}',
      HomeDirectoryDetails: `[{"Entry": "/in", "Target": "/${FS}/home/./../../fs-0a1b2c3d4e5f6a7b8"}]`,
    },
    esc4: {
      Password: 'Esc-Pass-1',
      Role: ROLE,
      PosixProfile: '{"Uid": 2204, "Gid": 2204}',
      HomeDirectoryDetails: `[{"Entry": "/../x", "Target": "/${FS}/home/esc4"}]`,
    },
    esc5: {
      Password: 'Esc-Pass-1',
      Role: ROLE,
      PosixProfile: '{"Uid": 2205, "Gid": 2205}',
      HomeDirectoryDetails: `[{"Entry": "/in", "Target": "/${FS}//home"}]`,
    },
    esc6: { Password: 'Esc-Pass-1', Role: ROLE, PosixProfile: '{"Uid": 2206, "Gid": 2206}', HomeDirectory: `/${FS}/home/esc6\n/../..` },
  };
  for (const [name, secret] of Object.entries(users)) {
    await sm.send(new CreateSecretCommand({ Name: `aws/transfer/${SERVER}/${name}`, SecretString: JSON.stringify(secret) }));
  }
  mkdirSync(efs(FS, 'home', 'hana'), { recursive: true });
});

afterAll(async () => {
  await stack.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('authentication limits', () => {
  it('allows 6 attempts per connection: the 7th password, even the right one, is never checked', async () => {
    const server = await stubServer(NO_PENALTIES);
    try {
      const wrong = ['w1', 'w2', 'w3', 'w4', 'w5', 'w6'];
      const attempt = await login(server.port, 'guesser', [...wrong, 'right-password']);
      await attempt.closed;
      expect(attempt.ready).toBe(false);
      expect(server.calls.map((c) => c.password)).toEqual(wrong);
      expect(server.lines).toContainEqual(expect.objectContaining({ event: 'sftp-auth-limit', username: 'guesser', failures: 6 }));
      // A fresh connection may log in: the limit is per connection.
      const fresh = await login(server.port, 'guesser', ['right-password']);
      expect(fresh.ready).toBe(true);
      fresh.client.end();
    } finally {
      await server.close();
    }
  });

  it('closes a connection that does not log in within the grace time', async () => {
    const server = await stubServer({ loginGraceTimeSeconds: 1 });
    try {
      const { socket, banner } = await rawConnection(server.port);
      expect(banner).toMatch(/^SSH-2\.0-/);
      await new Promise<void>((resolve) => socket.once('close', () => resolve()));
      expect(server.lines).toContainEqual(expect.objectContaining({ event: 'sftp-login-timeout', seconds: 1 }));
    } finally {
      await server.close();
    }
  }, 15_000);

  it('caps unauthenticated connections per source and in total, and frees the slot when one leaves', async () => {
    const perSource = await stubServer({ perSourceMaxStartups: 2, maxStartups: 50 });
    try {
      const first = await rawConnection(perSource.port);
      const second = await rawConnection(perSource.port);
      const third = await rawConnection(perSource.port);
      expect([first.banner, second.banner].every((b) => b.startsWith('SSH-2.0-'))).toBe(true);
      expect(third.banner).toBe('');
      expect(perSource.lines).toContainEqual(expect.objectContaining({ event: 'sftp-refused', reason: 'per-source-max-startups' }));
      // A logged-in connection no longer counts.
      first.socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const loggedIn = await login(perSource.port, 'someone', ['right-password']);
      expect(loggedIn.ready).toBe(true);
      // Only `second` is still waiting to log in: one more fits, the next does not.
      const fourth = await rawConnection(perSource.port);
      expect(fourth.banner).toMatch(/^SSH-2\.0-/);
      expect((await rawConnection(perSource.port)).banner).toBe('');
      loggedIn.client.end();
      second.socket.destroy();
      fourth.socket.destroy();
    } finally {
      await perSource.close();
    }
    const total = await stubServer({ perSourceMaxStartups: 50, maxStartups: 2 });
    try {
      const open = [await rawConnection(total.port), await rawConnection(total.port)];
      expect((await rawConnection(total.port)).banner).toBe('');
      expect(total.lines).toContainEqual(expect.objectContaining({ event: 'sftp-refused', reason: 'max-startups' }));
      for (const { socket } of open) socket.destroy();
    } finally {
      await total.close();
    }
  });

  it('backs off a user name from a source after repeated failures, without asking the identity provider', async () => {
    const server = await stubServer({ userPenaltyFreeFailures: 2, sourcePenaltyFreeFailures: 100, penaltyBaseSeconds: 1, penaltyMaxSeconds: 60 });
    try {
      for (const guess of ['g1', 'g2', 'g3']) expect((await login(server.port, 'victim', [guess])).ready).toBe(false);
      expect(server.calls).toHaveLength(3);
      // Backing off: even the right password is refused, and the identity provider is not asked.
      expect((await login(server.port, 'victim', ['right-password'])).ready).toBe(false);
      expect(server.calls).toHaveLength(3);
      expect(server.lines).toContainEqual(expect.objectContaining({ event: 'sftp-auth', username: 'victim', decision: 'deny', reason: 'back-off' }));
      // Another user name from the same source is not held back.
      const other = await login(server.port, 'bystander', ['right-password']);
      expect(other.ready).toBe(true);
      other.client.end();
      // After the back-off the right password works again.
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const later = await login(server.port, 'victim', ['right-password']);
      expect(later.ready).toBe(true);
      later.client.end();
    } finally {
      await server.close();
    }
  }, 20_000);

  it('backs off a source that fails across many user names', async () => {
    const server = await stubServer({ userPenaltyFreeFailures: 100, sourcePenaltyFreeFailures: 3, penaltyBaseSeconds: 30 });
    try {
      for (const name of ['u-one', 'u-two', 'u-three', 'u-four']) expect((await login(server.port, name, ['nope'])).ready).toBe(false);
      expect(server.calls).toHaveLength(4);
      expect((await login(server.port, 'u-five', ['right-password'])).ready).toBe(false);
      expect(server.calls).toHaveLength(4);
    } finally {
      await server.close();
    }
  });

  it('refuses limits that are not positive numbers, naming the setting', async () => {
    await expect(stubServer({ maxAuthTries: 0 })).rejects.toThrow(/maxAuthTries/);
  });
});

describe('one session cannot exhaust the stack', () => {
  it('refuses handles past 512 with FAILURE, and the stack keeps serving', async () => {
    writeFileSync(efs(FS, 'home', 'hana', 'many.txt'), 'x');
    const session = await login(port, 'hana', ['Hana-Pass-1']);
    expect(session.ready).toBe(true);
    try {
      const sftp = await openSftp(session.client);
      const results = await Promise.allSettled(Array.from({ length: 1000 }, () => promised<Buffer>((cb) => sftp.open('many.txt', 'r', cb))));
      const opened = results.filter((r): r is PromiseFulfilledResult<Buffer> => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(opened).toHaveLength(512);
      expect(refused).toHaveLength(488);
      expect(String(refused[0]!.reason)).toMatch(/Too many open handles/);
      // A directory handle counts too.
      await expect(promised<Buffer>((cb) => sftp.opendir('.', cb))).rejects.toThrow(/Too many open handles/);
      // The session and the AWS APIs still answer; closing one handle frees a slot.
      expect((await promised<Stats>((cb) => sftp.stat('many.txt', cb))).size).toBe(1);
      const listed = await new SecretsManagerClient(stack.clientConfig).send(new ListSecretsCommand({}));
      expect(listed.SecretList?.length).toBeGreaterThan(0);
      await promised<void>((cb) => sftp.close(opened[0]!.value, (err) => cb(err, undefined)));
      const again = await promised<Buffer>((cb) => sftp.open('many.txt', 'r', cb));
      expect(again.length).toBeGreaterThan(0);
    } finally {
      session.client.end();
      await session.closed;
    }
  }, 60_000);

  it('caps a user’s handles across connections, and gives them back when a connection drops', async () => {
    const server = await stubServer({ ...NO_PENALTIES, maxOpenHandles: 5, maxUserHandles: 8 });
    const opendirs = (sftp: SFTPWrapper, count: number) =>
      Promise.allSettled(Array.from({ length: count }, () => promised<Buffer>((cb) => sftp.opendir('.', cb))));
    const counts = (results: PromiseSettledResult<Buffer>[]) => [
      results.filter((r) => r.status === 'fulfilled').length,
      results.filter((r) => r.status === 'rejected').length,
    ];
    try {
      const first = await login(server.port, 'hoarder', ['right-password']);
      const second = await login(server.port, 'hoarder', ['right-password']);
      const firstSftp = await openSftp(first.client);
      const secondSftp = await openSftp(second.client);
      expect(counts(await opendirs(firstSftp, 6))).toEqual([5, 1]);
      const secondTry = await opendirs(secondSftp, 4);
      expect(counts(secondTry)).toEqual([3, 1]);
      expect(String(secondTry.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason)).toMatch(/per user/);
      first.client.end();
      await first.closed;
      await expect.poll(async () => counts(await opendirs(secondSftp, 2))[0], { timeout: 5_000 }).toBeGreaterThan(0);
      second.client.end();
      await second.closed;
      // Nothing leaked: a fresh connection gets its full session allowance.
      const third = await login(server.port, 'hoarder', ['right-password']);
      await expect.poll(async () => counts(await opendirs(await openSftp(third.client), 5))[0], { timeout: 5_000 }).toBe(5);
      third.client.end();
    } finally {
      await server.close();
    }
  });

  it('opens at most maxSessions session channels on one connection', async () => {
    const server = await stubServer({ ...NO_PENALTIES, maxSessions: 2 });
    try {
      const session = await login(server.port, 'channels', ['right-password']);
      const results = await Promise.allSettled([openSftp(session.client), openSftp(session.client), openSftp(session.client)]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'fulfilled', 'rejected']);
      expect(server.lines).toContainEqual(expect.objectContaining({ event: 'sftp-refused', reason: 'max-sessions' }));
      session.client.end();
    } finally {
      await server.close();
    }
  });

  it('drops setuid, setgid and sticky bits on chmod (SETSTAT) and fchmod (FSETSTAT)', async () => {
    const local = path.join(work, 'tool.sh');
    writeFileSync(local, '#!/bin/sh\n');
    const result = await sftpCli({ port, user: 'hana', password: 'Hana-Pass-1' }, [
      `put ${local} tool.sh`,
      'chmod 4755 tool.sh',
      'chmod 2775 .',
      'ls -l',
    ]);
    expect(result.code, result.output).toBe(0);
    expect(statSync(efs(FS, 'home', 'hana', 'tool.sh')).mode & 0o7777).toBe(0o755);
    expect(statSync(efs(FS, 'home', 'hana')).mode & 0o7000).toBe(0);
    const session = await login(port, 'hana', ['Hana-Pass-1']);
    try {
      const sftp = await openSftp(session.client);
      const handle = await promised<Buffer>((cb) => sftp.open('tool.sh', 'r+', cb));
      await promised<void>((cb) => sftp.fchmod(handle, 0o7777, (err) => cb(err, undefined)));
      await promised<void>((cb) => sftp.close(handle, (err) => cb(err, undefined)));
      expect(statSync(efs(FS, 'home', 'hana', 'tool.sh')).mode & 0o7777).toBe(0o777);
    } finally {
      session.client.end();
    }
  });
});

describe('a secret cannot lead the endpoint outside its target', () => {
  it.each([
    ['a PATH home with ..', 'esc1'],
    ['a target that climbs out of its file system', 'esc2'],
    ['a target with /./ and ..', 'esc3'],
    ['an entry with ..', 'esc4'],
    ['a target with an empty segment', 'esc5'],
    ['a home with a control character', 'esc6'],
  ])('refuses the login of %s (OpenSSH sftp)', async (_name, user) => {
    const result = await sftpCli({ port, user, password: 'Esc-Pass-1' }, ['ls /', `ls /${FS}`]);
    expect(result.code, result.output).not.toBe(0);
    expect(result.output).toMatch(/Permission denied/);
    expect(result.output).not.toContain('fs-0a1b2c3d4e5f6a7b8');
  });

  it.each([
    ['HomeDirectory /fs-…/home/../..', { HomeDirectory: `/${FS}/home/../..` }],
    ['HomeDirectory /fs-…/./home', { HomeDirectory: `/${FS}/./home` }],
    ['HomeDirectory with a quote', { HomeDirectory: `/${FS}/home/"x` }],
    ['HomeDirectory outside any file system', { HomeDirectory: '/etc' }],
    ['Target /fs-…/..', { HomeDirectoryType: 'LOGICAL', HomeDirectoryDetails: `[{"Entry":"/","Target":"/${FS}/.."}]` }],
    ['Target with a newline', { HomeDirectoryType: 'LOGICAL', HomeDirectoryDetails: `[{"Entry":"/in","Target":"/${FS}/home\\n"}]` }],
    ['Entry /./in', { HomeDirectoryType: 'LOGICAL', HomeDirectoryDetails: `[{"Entry":"/./in","Target":"/${FS}/home"}]` }],
    ['a ${transfer:UserName} that resolves to ..', { HomeDirectory: `/${FS}/home/\${transfer:UserName}/../..` }],
  ])('refuses an identity provider answer with %s, even from a provider that allows it', async (_name, home) => {
    const answer = { Role: ROLE, PosixProfile: { Uid: 2300, Gid: 2300 }, ...home };
    const server = await stubServer(NO_PENALTIES, answer);
    try {
      const result = await sftpCli({ port: server.port, user: 'hostile', password: 'right-password' }, ['ls /']);
      expect(result.code, result.output).not.toBe(0);
      expect(result.output).toMatch(/Permission denied/);
      expect(server.calls).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('still serves a well-formed home from the same provider', async () => {
    const server = await stubServer(NO_PENALTIES, allowAnswer(`/${FS}/home/\${transfer:UserName}`));
    try {
      const result = await sftpCli({ port: server.port, user: 'hana', password: 'right-password' }, ['pwd']);
      expect(result.code, result.output).toBe(0);
      expect(result.output).toContain(`Remote working directory: /${FS}/home/hana`);
    } finally {
      await server.close();
    }
  });
});

describe('uploads', () => {
  it('appear under their name only once complete, leaving no temporary file behind', async () => {
    const session = await login(port, 'hana', ['Hana-Pass-1']);
    try {
      const sftp = await openSftp(session.client);
      const handle = await promised<Buffer>((cb) => sftp.open('staged.csv', 'w', cb));
      await promised<void>((cb) => sftp.write(handle, Buffer.from('a,b\n1,2\n'), 0, 8, 0, (err) => cb(err, undefined)));
      // Written, not yet closed: the name does not exist, and the listing shows no temporary file.
      expect(existsSync(efs(FS, 'home', 'hana', 'staged.csv'))).toBe(false);
      const listing = await promised<FileEntry[]>((cb) => sftp.readdir('.', cb));
      expect(listing.map((e) => e.filename)).not.toContainEqual(expect.stringMatching(/^\.transfer-desk-upload-/));
      await promised<void>((cb) => sftp.close(handle, (err) => cb(err, undefined)));
      expect(readFileSync(efs(FS, 'home', 'hana', 'staged.csv'), 'utf8')).toBe('a,b\n1,2\n');
      expect(readdirSync(efs(FS, 'home', 'hana')).filter((name) => name.startsWith('.transfer-desk-upload-'))).toEqual([]);
    } finally {
      session.client.end();
    }
  });

  it('an interrupted upload leaves the previous file intact, no partial file, and a log line with path and bytes', async () => {
    writeFileSync(efs(FS, 'home', 'hana', 'report.csv'), 'the previous, complete report\n');
    const session = await login(port, 'hana', ['Hana-Pass-1']);
    const sftp = await openSftp(session.client);
    const handle = await promised<Buffer>((cb) => sftp.open('report.csv', 'w', cb));
    await promised<void>((cb) => sftp.write(handle, Buffer.alloc(5000, 'z'), 0, 5000, 0, (err) => cb(err, undefined)));
    const fresh = await promised<Buffer>((cb) => sftp.open('new-upload.bin', 'w', cb));
    await promised<void>((cb) => sftp.write(fresh, Buffer.alloc(1234, 'y'), 0, 1234, 0, (err) => cb(err, undefined)));
    // The connection drops mid-upload.
    session.client.end();
    await session.closed;
    await expect.poll(() => logs.filter((line) => line.event === 'sftp-upload-interrupted').length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    expect(logs).toContainEqual(
      expect.objectContaining({ event: 'sftp-upload-interrupted', path: `/${FS}/home/hana/report.csv`, bytesWritten: 5000, username: 'hana' }),
    );
    expect(logs).toContainEqual(
      expect.objectContaining({ event: 'sftp-upload-interrupted', path: `/${FS}/home/hana/new-upload.bin`, bytesWritten: 1234 }),
    );
    expect(readFileSync(efs(FS, 'home', 'hana', 'report.csv'), 'utf8')).toBe('the previous, complete report\n');
    expect(existsSync(efs(FS, 'home', 'hana', 'new-upload.bin'))).toBe(false);
    expect(readdirSync(efs(FS, 'home', 'hana')).filter((name) => name.startsWith('.transfer-desk-upload-'))).toEqual([]);
  });

  it('an upload over an existing file keeps its mode', async () => {
    const local = path.join(work, 'v2.txt');
    writeFileSync(local, 'version 2\n');
    const target = efs(FS, 'home', 'hana', 'kept-mode.txt');
    writeFileSync(target, 'version 1\n', { mode: 0o640 });
    const result = await sftpCli({ port, user: 'hana', password: 'Hana-Pass-1' }, [`put ${local} kept-mode.txt`]);
    expect(result.code, result.output).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('version 2\n');
    expect(statSync(target).mode & 0o777).toBe(0o640);
  });

  it('sweeps temporary files a crash left behind at start, but not one that may still be written', async () => {
    const folder = efs(FS, 'home', 'hana', 'crashed');
    mkdirSync(folder, { recursive: true });
    const stale = path.join(folder, '.transfer-desk-upload-0123456789abcdef01234567');
    const recent = path.join(folder, '.transfer-desk-upload-76543210fedcba9876543210');
    writeFileSync(stale, 'half');
    writeFileSync(recent, 'in progress');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(stale, twoHoursAgo, twoHoursAgo);
    const server = await stubServer(NO_PENALTIES);
    try {
      await expect.poll(() => existsSync(stale), { timeout: 10_000 }).toBe(false);
      expect(existsSync(recent)).toBe(true);
      expect(server.lines).toContainEqual(
        expect.objectContaining({ event: 'sftp-stale-uploads-removed', paths: expect.arrayContaining([path.relative(efs(), stale)]) as string[] }),
      );
    } finally {
      await server.close();
    }
  });
});
