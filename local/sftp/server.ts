// A local SFTP endpoint that behaves like a Transfer Family server with a Lambda identity provider:
// every login asks the shipped Lambda handler, and files live on the local EFS directories.
// The parts: host-key.ts, login.ts (authentication), session.ts (the Lambda's answer read as Transfer
// reads it), posix.ts (permission checks), handlers.ts (the SFTP requests), virtual-fs.ts (the jail).
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import path from 'node:path';
import ssh2, { type Connection } from 'ssh2';
import { SftpSession } from './handlers';
import { hostKey } from './host-key';
import { LoginPenalties, resolveSftpLimits, UserHandleBudget, type SftpLimits } from './limits';
import { LoginFlow, type SftpAuthenticationMethods } from './login';
import { sweepStaleUploads } from './sweep';

import type { LoginLogRecord } from '../../lambda/handler';

export type { SftpAuthenticationMethods } from './login';
export type { SftpLimits } from './limits';

export type SftpServerOptions = {
  host: string;
  port: number;
  serverId: string;
  hostKeyPath: string;
  efsRoot: string;
  authenticationMethods: SftpAuthenticationMethods;
  authenticate(event: Record<string, unknown>): Promise<Record<string, unknown>>;
  log?: (line: Record<string, unknown>) => void;
  /** Where a login line of the endpoint's own (a key that is not on file) goes, beside the Lambda's. */
  recordLogin?: (record: LoginLogRecord) => void;
  /** Overrides of the abuse limits (defaults and LOCAL_SFTP_* variables in limits.ts). */
  limits?: Partial<SftpLimits>;
};

/** A TCP connection until it logs in: counted against MaxStartups, closed at the end of the grace time. */
type Pending = { socket: Socket; sourceIp: string; timer: NodeJS.Timeout };

const sourceOf = (address: string | undefined) => (address ?? '').replace(/^::ffff:/, '');

export async function startSftpServer(options: SftpServerOptions): Promise<{ port: number; close(): Promise<void> }> {
  const log = options.log ?? (() => undefined);
  const canChown = typeof process.getuid === 'function' && process.getuid() === 0;
  const limits = resolveSftpLimits(options.limits);
  const penalties = new LoginPenalties(limits);
  const handleBudget = new UserHandleBudget(limits.maxUserHandles);
  // Connections not yet logged in, by `ip:port`, and how many each source has.
  const pending = new Map<string, Pending>();
  const pendingBySource = new Map<string, number>();
  const settle = (key: string) => {
    const entry = pending.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    pending.delete(key);
    const left = (pendingBySource.get(entry.sourceIp) ?? 1) - 1;
    if (left > 0) pendingBySource.set(entry.sourceIp, left);
    else pendingBySource.delete(entry.sourceIp);
  };

  const clients = new Set<Connection>();
  const server = new ssh2.Server(
    {
      hostKeys: [hostKey(options.hostKeyPath)],
      ident: 'AWS_SFTP_1.1',
      // AES-GCM and CTR run in OpenSSL; ssh2's chacha20-poly1305 needs a native addon npm may not build.
      algorithms: { cipher: ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-ctr', 'aes192-ctr', 'aes256-ctr'] },
    },
    (client, info) => {
      clients.add(client);
      const sourceIp = sourceOf(info.ip);
      const connection = `${info.ip}:${info.port}`;
      const started = Date.now();
      log({ event: 'sftp-connect', sourceIp });
      const login = new LoginFlow({ ...options, sourceIp, log, limits, penalties, disconnect: () => client.end() });

      client.on('authentication', (ctx) => void login.attempt(ctx));

      client.on('ready', () => {
        settle(connection);
        const current = login.session;
        if (!current) return void client.end();
        // Missing home folders are made at first login, owned by the user (see local/sftp/README.md).
        for (const folder of current.fs.homeFolders()) {
          try {
            if (existsSync(folder)) continue;
            mkdirSync(folder, { recursive: true, mode: 0o750 });
            if (canChown) chownSync(folder, current.profile.uid, current.profile.gid);
          } catch {
            // The SFTP operations report what is missing.
          }
        }
        const userHandles = {
          take: () => handleBudget.take(current.username),
          give: (count: number) => handleBudget.give(current.username, count),
          max: limits.maxUserHandles,
        };
        let sessions = 0;
        client.on('session', (accept, reject) => {
          if (sessions >= limits.maxSessions) {
            log({ event: 'sftp-refused', sourceIp, username: current.username, reason: 'max-sessions' });
            return void reject();
          }
          sessions += 1;
          const channel = accept();
          channel.once('close', () => (sessions -= 1));
          channel.on('sftp', (acceptSftp) => {
            const sftp = acceptSftp();
            new SftpSession(sftp, current, (line) => log({ ...line, username: current.username }), {
              canChown,
              maxOpenHandles: limits.maxOpenHandles,
              userHandles,
            });
          });
          channel.on('shell', (_accept, reject) => reject?.());
          channel.on('exec', (_accept, reject) => reject?.());
          channel.on('pty', (_accept, reject) => reject?.());
          channel.on('subsystem', (_accept, reject) => reject?.());
        });
      });
      client.on('error', () => undefined);
      client.on('close', () => {
        clients.delete(client);
        settle(connection);
      });
      client.on('close', () =>
        log({ event: 'sftp-disconnect', sourceIp, username: login.session?.username ?? null, seconds: Math.round((Date.now() - started) / 1000) }),
      );
    },
  );

  // Our own listener in front of ssh2's, so a connection is counted and timed from its first byte.
  const listener = createServer((socket) => {
    const sourceIp = sourceOf(socket.remoteAddress);
    const fromSource = pendingBySource.get(sourceIp) ?? 0;
    if (pending.size >= limits.maxStartups || fromSource >= limits.perSourceMaxStartups) {
      log({ event: 'sftp-refused', sourceIp, reason: pending.size >= limits.maxStartups ? 'max-startups' : 'per-source-max-startups' });
      socket.destroy();
      return;
    }
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    const timer = setTimeout(() => {
      log({ event: 'sftp-login-timeout', sourceIp, seconds: limits.loginGraceTimeSeconds });
      socket.destroy();
    }, limits.loginGraceTimeSeconds * 1000);
    timer.unref();
    pending.set(key, { socket, sourceIp, timer });
    pendingBySource.set(sourceIp, fromSource + 1);
    socket.once('close', () => settle(key));
    server.injectSocket(socket);
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port, options.host, () => resolve());
  });
  // Left by a crash of the stack mid-upload; an hour without a write is no upload in progress.
  void sweepStaleUploads(options.efsRoot, 60 * 60 * 1000).then(
    ({ removed }) =>
      removed.length > 0 &&
      log({ event: 'sftp-stale-uploads-removed', count: removed.length, paths: removed.map((file) => path.relative(options.efsRoot, file)) }),
    (err: unknown) => log({ event: 'sftp-stale-uploads-removed', result: 'error', error: err instanceof Error ? err.name : 'UnknownError' }),
  );
  const address = listener.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        listener.close(() => resolve());
        for (const client of clients) client.end();
        for (const { socket } of pending.values()) socket.destroy();
      }),
  };
}
