// A local SFTP endpoint that behaves like a Transfer Family server with a Lambda identity provider:
// every login asks the shipped Lambda handler, and files live on the local EFS directories.
// The parts: host-key.ts, login.ts (authentication), session.ts (the Lambda's answer read as Transfer
// reads it), posix.ts (permission checks), handlers.ts (the SFTP requests), virtual-fs.ts (the jail).
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import ssh2, { type Connection } from 'ssh2';
import { SftpSession } from './handlers';
import { hostKey } from './host-key';
import { LoginFlow, type SftpAuthenticationMethods } from './login';

export type { SftpAuthenticationMethods } from './login';

export type SftpServerOptions = {
  host: string;
  port: number;
  serverId: string;
  hostKeyPath: string;
  efsRoot: string;
  authenticationMethods: SftpAuthenticationMethods;
  authenticate(event: Record<string, unknown>): Promise<Record<string, unknown>>;
  log?: (line: Record<string, unknown>) => void;
};

export async function startSftpServer(options: SftpServerOptions): Promise<{ port: number; close(): Promise<void> }> {
  const log = options.log ?? (() => undefined);
  const canChown = typeof process.getuid === 'function' && process.getuid() === 0;

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
      const sourceIp = info.ip.replace(/^::ffff:/, '');
      const started = Date.now();
      log({ event: 'sftp-connect', sourceIp });
      const login = new LoginFlow({ ...options, sourceIp, log });

      client.on('authentication', (ctx) => void login.attempt(ctx));

      client.on('ready', () => {
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
        client.on('session', (accept) => {
          const channel = accept();
          channel.on('sftp', (acceptSftp) => {
            const sftp = acceptSftp();
            new SftpSession(sftp, current, (line) => log({ ...line, username: current.username }), canChown);
          });
          channel.on('shell', (_accept, reject) => reject?.());
          channel.on('exec', (_accept, reject) => reject?.());
          channel.on('pty', (_accept, reject) => reject?.());
          channel.on('subsystem', (_accept, reject) => reject?.());
        });
      });
      client.on('error', () => undefined);
      client.on('close', () => clients.delete(client));
      client.on('close', () => log({ event: 'sftp-disconnect', sourceIp, username: login.session?.username ?? null, seconds: Math.round((Date.now() - started) / 1000) }));
    },
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const client of clients) client.end();
      }),
  };
}
