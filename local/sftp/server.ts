// A local SFTP endpoint that behaves like a Transfer Family server with a Lambda identity provider:
// every login asks the shipped Lambda handler, and files live on the local EFS directories.
// Built on ssh2; the SFTP file operations are mapped by hand because ssh2 only frames the protocol.
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, open, readdir, rename, rmdir, stat, unlink, utimes, type FileHandle } from 'node:fs/promises';
import { constants as fsConstants, type Stats } from 'node:fs';
import path from 'node:path';
import ssh2, { type Attributes, type AuthenticationType, type Connection, type FileEntry, type PublicKeyAuthContext, type SFTPWrapper } from 'ssh2';
import { VirtualFs, type Resolved } from './virtual-fs';

// ssh2 is CommonJS: its named exports are read from the default one.
const { Server, utils } = ssh2;
const { STATUS_CODE } = utils.sftp;

export type SftpAuthenticationMethods = 'PASSWORD' | 'PUBLIC_KEY' | 'PUBLIC_KEY_OR_PASSWORD' | 'PUBLIC_KEY_AND_PASSWORD';

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

type Profile = { uid: number; gid: number; groups: number[] };
type Session = { username: string; profile: Profile; fs: VirtualFs };

const MAX_READ = 256 * 1024;
const MAX_PENDING_WRITES = 64;

/** The persisted ed25519 host key, made on first start. */
function hostKey(file: string): Buffer {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const pair = utils.generateKeyPairSync('ed25519');
    writeFileSync(file, pair.private, { mode: 0o600 });
  }
  return readFileSync(file);
}

/** Reads a complete identity-provider answer into a session, or null when Transfer would refuse it. */
function sessionFrom(username: string, answer: Record<string, unknown>, efsRoot: string): Session | null {
  if (typeof answer.Role !== 'string' || answer.Role === '') return null;
  const posix = answer.PosixProfile as { Uid?: unknown; Gid?: unknown; SecondaryGids?: unknown } | undefined;
  // The local servers are EFS servers: Transfer refuses an EFS login without a POSIX profile.
  if (!posix || typeof posix.Uid !== 'number' || typeof posix.Gid !== 'number') return null;
  const groups = Array.isArray(posix.SecondaryGids) ? posix.SecondaryGids.filter((g): g is number => typeof g === 'number') : [];
  const profile = { uid: posix.Uid, gid: posix.Gid, groups };
  const substitute = (target: string) => target.replaceAll('${transfer:UserName}', username);
  if (answer.HomeDirectoryType === 'LOGICAL') {
    let mappings: { Entry?: unknown; Target?: unknown }[];
    try {
      mappings = JSON.parse(String(answer.HomeDirectoryDetails)) as { Entry?: unknown; Target?: unknown }[];
    } catch {
      return null;
    }
    if (!Array.isArray(mappings) || mappings.length === 0) return null;
    const clean = mappings.map((m) => ({ entry: String(m.Entry ?? ''), target: substitute(String(m.Target ?? '')) }));
    if (clean.some((m) => !m.entry.startsWith('/') || !/^\/fs-[0-9a-f]{8,40}(\/|$)/.test(m.target))) return null;
    return { username, profile, fs: new VirtualFs(efsRoot, { type: 'LOGICAL', mappings: clean }) };
  }
  const directory = typeof answer.HomeDirectory === 'string' && answer.HomeDirectory !== '' ? substitute(answer.HomeDirectory) : '/';
  return { username, profile, fs: new VirtualFs(efsRoot, { type: 'PATH', directory }) };
}

function keyMatches(ctx: PublicKeyAuthContext, publicKeys: unknown): string | null {
  if (!Array.isArray(publicKeys)) return null;
  for (const line of publicKeys) {
    if (typeof line !== 'string') continue;
    const [type, data] = line.trim().split(/\s+/);
    if (type === ctx.key.algo && data && Buffer.from(data, 'base64').equals(ctx.key.data)) return line;
  }
  return null;
}

function can(stats: Stats, profile: Profile, want: number): boolean {
  if (profile.uid === 0) return true;
  if (stats.uid === profile.uid) return ((stats.mode >> 6) & want) === want;
  if (stats.gid === profile.gid || profile.groups.includes(stats.gid)) return ((stats.mode >> 3) & want) === want;
  return (stats.mode & want) === want;
}

const R = 4;
const W = 2;
const X = 1;

function attrsOf(stats: Stats): Attributes {
  return { mode: stats.mode, uid: stats.uid, gid: stats.gid, size: stats.size, atime: Math.floor(stats.atimeMs / 1000), mtime: Math.floor(stats.mtimeMs / 1000) };
}

const DIR_ATTRS: Attributes = { mode: 0o40555, uid: 0, gid: 0, size: 0, atime: 0, mtime: 0 };

function longname(name: string, attrs: Attributes): string {
  const type = (attrs.mode & 0o170000) === 0o040000 ? 'd' : (attrs.mode & 0o170000) === 0o120000 ? 'l' : '-';
  const bits = ['r', 'w', 'x', 'r', 'w', 'x', 'r', 'w', 'x'].map((c, i) => ((attrs.mode >> (8 - i)) & 1 ? c : '-')).join('');
  const date = new Date(attrs.mtime * 1000);
  const month = date.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const when = `${month} ${String(date.getUTCDate()).padStart(2)} ${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')}`;
  return `${type}${bits}    1 ${String(attrs.uid).padEnd(8)} ${String(attrs.gid).padEnd(8)} ${String(attrs.size).padStart(12)} ${when} ${name}`;
}

class SftpFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}
const denied = (what = 'Permission denied') => new SftpFailure(STATUS_CODE.PERMISSION_DENIED, what);
const missing = () => new SftpFailure(STATUS_CODE.NO_SUCH_FILE, 'No such file');

function toFailure(err: unknown): SftpFailure {
  if (err instanceof SftpFailure) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return missing();
  if (code === 'EACCES' || code === 'EPERM') return denied();
  if (code === 'EEXIST') return new SftpFailure(STATUS_CODE.FAILURE, 'File exists');
  if (code === 'ENOTEMPTY') return new SftpFailure(STATUS_CODE.FAILURE, 'Directory not empty');
  return new SftpFailure(STATUS_CODE.FAILURE, 'Failure');
}

type Handle =
  | { kind: 'file'; file: FileHandle; virtual: string; read: number; written: number; writable: boolean; pending: Set<Promise<void>>; failed: unknown }
  | { kind: 'dir'; entries: FileEntry[] | null; virtual: string; resolved: Resolved };

/** One user's SFTP subsystem: every path goes through the virtual namespace and the POSIX checks. */
class SftpSession {
  private readonly handles = new Map<number, Handle>();
  private nextHandle = 1;

  constructor(
    private readonly sftp: SFTPWrapper,
    private readonly session: Session,
    private readonly log: (line: Record<string, unknown>) => void,
    private readonly canChown: boolean,
  ) {
    const on = (event: string, fn: (reqid: number, ...args: never[]) => Promise<void>) => {
      sftp.on(event as 'OPEN', ((reqid: number, ...args: never[]) => {
        fn(reqid, ...args).catch((err: unknown) => {
          const failure = toFailure(err);
          this.log({ event: 'sftp-op', op: event, result: 'error', status: failure.message });
          sftp.status(reqid, failure.code, failure.message);
        });
      }) as never);
    };
    on('REALPATH', (reqid, clientPath: string) => this.realpath(reqid, clientPath));
    on('STAT', (reqid, clientPath: string) => this.stat(reqid, clientPath, true));
    on('LSTAT', (reqid, clientPath: string) => this.stat(reqid, clientPath, false));
    on('OPENDIR', (reqid, clientPath: string) => this.opendir(reqid, clientPath));
    on('READDIR', (reqid, handle: Buffer) => this.readdir(reqid, handle));
    on('OPEN', (reqid, clientPath: string, flags: number, attrs: Attributes) => this.open(reqid, clientPath, flags, attrs));
    on('READ', (reqid, handle: Buffer, offset: number, length: number) => this.read(reqid, handle, offset, length));
    on('WRITE', (reqid, handle: Buffer, offset: number, data: Buffer) => this.write(reqid, handle, offset, data));
    on('FSTAT', (reqid, handle: Buffer) => this.fstat(reqid, handle));
    on('FSETSTAT', (reqid, handle: Buffer, attrs: Attributes) => this.fsetstat(reqid, handle, attrs));
    on('SETSTAT', (reqid, clientPath: string, attrs: Attributes) => this.setstat(reqid, clientPath, attrs));
    on('CLOSE', (reqid, handle: Buffer) => this.close(reqid, handle));
    on('MKDIR', (reqid, clientPath: string, attrs: Attributes) => this.mkdir(reqid, clientPath, attrs));
    on('RMDIR', (reqid, clientPath: string) => this.rmdir(reqid, clientPath));
    on('REMOVE', (reqid, clientPath: string) => this.remove(reqid, clientPath));
    on('RENAME', (reqid, from: string, to: string) => this.rename(reqid, from, to));
    on('READLINK', async () => {
      throw new SftpFailure(STATUS_CODE.OP_UNSUPPORTED, 'Symbolic links are not supported');
    });
    on('SYMLINK', async () => {
      throw denied('Symbolic links are not allowed');
    });
    // The client's EOF ends the subsystem: close our side too, or OpenSSH waits for it forever.
    sftp.on('end', () => {
      void this.closeAll();
      sftp.end();
    });
    sftp.on('close', () => void this.closeAll());
  }

  private async closeAll(): Promise<void> {
    for (const handle of this.handles.values()) {
      if (handle.kind !== 'file') continue;
      await Promise.all(handle.pending);
      await handle.file.close().catch(() => undefined);
    }
    this.handles.clear();
  }

  private ok(reqid: number, op: string, virtual: string, extra: Record<string, unknown> = {}) {
    this.log({ event: 'sftp-op', op, path: virtual, result: 'ok', ...extra });
    this.sftp.status(reqid, STATUS_CODE.OK);
  }

  /** A path the user may touch: inside a mapping once links are followed, never a virtual directory. */
  private async real(clientPath: string): Promise<Extract<Resolved, { kind: 'real' }>> {
    const resolved = this.session.fs.resolve(clientPath);
    if (resolved.kind === 'none') throw missing();
    if (resolved.kind === 'virtual-dir') throw denied('This folder is part of the logical home and cannot be changed');
    if (!(await this.session.fs.contained(resolved))) throw denied('Path outside the home directory');
    return resolved;
  }

  private async requireDirAccess(realDir: string, want: number): Promise<void> {
    const stats = await stat(realDir);
    if (!stats.isDirectory()) throw new SftpFailure(STATUS_CODE.FAILURE, 'Not a directory');
    if (!can(stats, this.session.profile, want)) throw denied();
  }

  private async own(realPath: string): Promise<void> {
    if (this.canChown) await chown(realPath, this.session.profile.uid, this.session.profile.gid);
  }

  private handleBuffer(handle: Handle): Buffer {
    const id = this.nextHandle++;
    this.handles.set(id, handle);
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32BE(id);
    return buffer;
  }

  private handleOf(buffer: Buffer): Handle & { id: number } {
    const id = buffer.length === 4 ? buffer.readUInt32BE(0) : -1;
    const handle = this.handles.get(id);
    if (!handle) throw new SftpFailure(STATUS_CODE.FAILURE, 'Invalid handle');
    return Object.assign(handle, { id });
  }

  private async realpath(reqid: number, clientPath: string): Promise<void> {
    const virtual = this.session.fs.normalize(clientPath || '.');
    this.sftp.name(reqid, [{ filename: virtual, longname: virtual, attrs: {} as Attributes }]);
  }

  private async stat(reqid: number, clientPath: string, follow: boolean): Promise<void> {
    const resolved = this.session.fs.resolve(clientPath);
    if (resolved.kind === 'none') throw missing();
    if (resolved.kind === 'virtual-dir') return void this.sftp.attrs(reqid, DIR_ATTRS);
    if (!(await this.session.fs.contained(resolved))) throw denied('Path outside the home directory');
    const stats = follow ? await stat(resolved.real) : await lstat(resolved.real);
    this.sftp.attrs(reqid, attrsOf(stats));
  }

  private async opendir(reqid: number, clientPath: string): Promise<void> {
    const resolved = this.session.fs.resolve(clientPath);
    if (resolved.kind === 'none') throw missing();
    if (resolved.kind === 'real') {
      if (!(await this.session.fs.contained(resolved))) throw denied('Path outside the home directory');
      await this.requireDirAccess(resolved.real, R | X);
    }
    this.log({ event: 'sftp-op', op: 'OPENDIR', path: resolved.virtual, result: 'ok' });
    this.sftp.handle(reqid, this.handleBuffer({ kind: 'dir', entries: null, virtual: resolved.virtual, resolved }));
  }

  private async readdir(reqid: number, buffer: Buffer): Promise<void> {
    const handle = this.handleOf(buffer);
    if (handle.kind !== 'dir') throw new SftpFailure(STATUS_CODE.FAILURE, 'Not a directory handle');
    if (handle.entries === null) {
      const { resolved } = handle;
      if (resolved.kind === 'virtual-dir') {
        handle.entries = resolved.children.map((name) => ({ filename: name, longname: longname(name, DIR_ATTRS), attrs: DIR_ATTRS }));
      } else if (resolved.kind === 'real') {
        const names = await readdir(resolved.real);
        const entries: FileEntry[] = [];
        for (const name of names) {
          const stats = await lstat(path.join(resolved.real, name)).catch(() => null);
          if (!stats) continue;
          const attrs = attrsOf(stats);
          entries.push({ filename: name, longname: longname(name, attrs), attrs });
        }
        handle.entries = entries;
      } else handle.entries = [];
      if (handle.entries.length > 0) {
        this.sftp.name(reqid, handle.entries);
        return;
      }
    }
    this.sftp.status(reqid, STATUS_CODE.EOF);
  }

  private async open(reqid: number, clientPath: string, flags: number, attrs: Attributes): Promise<void> {
    const resolved = await this.real(clientPath);
    const { READ, WRITE, APPEND, CREAT, TRUNC, EXCL } = utils.sftp.OPEN_MODE;
    const writable = (flags & WRITE) !== 0;
    const readable = (flags & READ) !== 0 || !writable;
    // Any combination the protocol allows, not only the few ssh2 names.
    const mode =
      (readable && writable ? fsConstants.O_RDWR : writable ? fsConstants.O_WRONLY : fsConstants.O_RDONLY) |
      (flags & CREAT ? fsConstants.O_CREAT : 0) |
      (flags & TRUNC ? fsConstants.O_TRUNC : 0) |
      (flags & EXCL ? fsConstants.O_EXCL : 0) |
      (flags & APPEND ? fsConstants.O_APPEND : 0) |
      fsConstants.O_NOFOLLOW;
    const existing = await stat(resolved.real).catch(() => null);
    if (existing?.isDirectory()) throw new SftpFailure(STATUS_CODE.FAILURE, 'Is a directory');
    if (existing) {
      if (flags & EXCL) throw new SftpFailure(STATUS_CODE.FAILURE, 'File exists');
      if (!can(existing, this.session.profile, (readable ? R : 0) | (writable ? W : 0))) throw denied();
    } else {
      if (!(flags & CREAT)) throw missing();
      await this.requireDirAccess(path.dirname(resolved.real), W | X);
    }
    const file = await open(resolved.real, mode, typeof attrs?.mode === 'number' ? attrs.mode & 0o777 : 0o644);
    if (!existing) await this.own(resolved.real);
    this.sftp.handle(reqid, this.handleBuffer({ kind: 'file', file, virtual: resolved.virtual, read: 0, written: 0, writable, pending: new Set(), failed: null }));
  }

  private async read(reqid: number, buffer: Buffer, offset: number, length: number): Promise<void> {
    const handle = this.handleOf(buffer);
    if (handle.kind !== 'file') throw new SftpFailure(STATUS_CODE.FAILURE, 'Not a file handle');
    await this.settle(handle);
    const chunk = Buffer.allocUnsafe(Math.min(length, MAX_READ));
    const { bytesRead } = await handle.file.read(chunk, 0, chunk.length, offset);
    if (bytesRead === 0) return void this.sftp.status(reqid, STATUS_CODE.EOF);
    handle.read += bytesRead;
    this.sftp.data(reqid, chunk.subarray(0, bytesRead));
  }

  /**
   * Writes are acknowledged once queued, at most MAX_PENDING_WRITES per file (a bounded window, so
   * nothing is buffered whole): a client keeps many writes in flight and waiting for each disk
   * write in turn would cap uploads at a quarter of what OpenSSH's sshd reaches. A failed write
   * fails the next request on the handle and its CLOSE, which clients report.
   */
  private async write(reqid: number, buffer: Buffer, offset: number, data: Buffer): Promise<void> {
    const handle = this.handleOf(buffer);
    if (handle.kind !== 'file' || !handle.writable) throw denied('The file is not open for writing');
    if (handle.failed) throw toFailure(handle.failed);
    const chunk = Buffer.from(data);
    const pending: Promise<void> = handle.file
      .write(chunk, 0, chunk.length, offset)
      .then(() => {
        handle.written += chunk.length;
      })
      .catch((err: unknown) => {
        handle.failed ??= err;
      })
      .finally(() => handle.pending.delete(pending));
    handle.pending.add(pending);
    if (handle.pending.size >= MAX_PENDING_WRITES) await Promise.race(handle.pending);
    this.sftp.status(reqid, STATUS_CODE.OK);
  }

  /** Lets queued writes land before anything that reads the file or reports on it. */
  private async settle(handle: Handle): Promise<void> {
    if (handle.kind !== 'file') return;
    await Promise.all(handle.pending);
    if (handle.failed) throw toFailure(handle.failed);
  }

  private async fstat(reqid: number, buffer: Buffer): Promise<void> {
    const handle = this.handleOf(buffer);
    if (handle.kind !== 'file') return void this.sftp.attrs(reqid, DIR_ATTRS);
    await this.settle(handle);
    this.sftp.attrs(reqid, attrsOf(await handle.file.stat()));
  }

  private async applyAttrs(realPath: string, stats: Stats, attrs: Attributes): Promise<void> {
    const profile = this.session.profile;
    if (typeof attrs.uid === 'number' && attrs.uid !== stats.uid && profile.uid !== 0) throw denied('Only root can give files away');
    if (typeof attrs.gid === 'number' && attrs.gid !== stats.gid && profile.uid !== 0 && attrs.gid !== profile.gid && !profile.groups.includes(attrs.gid)) throw denied();
    const owner = profile.uid === 0 || stats.uid === profile.uid;
    if ((typeof attrs.mode === 'number' || typeof attrs.mtime === 'number') && !owner) throw denied('Only the owner can change this');
    if (typeof attrs.mode === 'number') await chmod(realPath, attrs.mode & 0o7777);
    if (typeof attrs.mtime === 'number' && typeof attrs.atime === 'number') await utimes(realPath, attrs.atime, attrs.mtime);
  }

  private async fsetstat(reqid: number, buffer: Buffer, attrs: Attributes): Promise<void> {
    const handle = this.handleOf(buffer);
    if (handle.kind !== 'file') throw new SftpFailure(STATUS_CODE.FAILURE, 'Not a file handle');
    await this.settle(handle);
    const resolved = await this.real(handle.virtual);
    await this.applyAttrs(resolved.real, await handle.file.stat(), attrs);
    if (typeof attrs.size === 'number') await handle.file.truncate(attrs.size);
    this.ok(reqid, 'FSETSTAT', handle.virtual);
  }

  private async setstat(reqid: number, clientPath: string, attrs: Attributes): Promise<void> {
    const resolved = await this.real(clientPath);
    await this.applyAttrs(resolved.real, await stat(resolved.real), attrs);
    this.ok(reqid, 'SETSTAT', resolved.virtual, typeof attrs.mode === 'number' ? { mode: (attrs.mode & 0o7777).toString(8) } : {});
  }

  private async close(reqid: number, buffer: Buffer): Promise<void> {
    const handle = this.handleOf(buffer);
    this.handles.delete(handle.id);
    if (handle.kind === 'file') {
      try {
        await this.settle(handle);
      } finally {
        await handle.file.close();
      }
      this.log({ event: 'sftp-op', op: handle.writable ? 'PUT' : 'GET', path: handle.virtual, result: 'ok', bytesRead: handle.read, bytesWritten: handle.written });
    }
    this.sftp.status(reqid, STATUS_CODE.OK);
  }

  private async mkdir(reqid: number, clientPath: string, attrs: Attributes): Promise<void> {
    const resolved = await this.real(clientPath);
    await this.requireDirAccess(path.dirname(resolved.real), W | X);
    await mkdir(resolved.real, typeof attrs?.mode === 'number' ? attrs.mode & 0o777 : 0o755);
    await this.own(resolved.real);
    this.ok(reqid, 'MKDIR', resolved.virtual);
  }

  private async rmdir(reqid: number, clientPath: string): Promise<void> {
    const resolved = await this.real(clientPath);
    if (resolved.real === resolved.root) throw denied('A mapped folder cannot be removed');
    await this.requireDirAccess(path.dirname(resolved.real), W | X);
    await rmdir(resolved.real);
    this.ok(reqid, 'RMDIR', resolved.virtual);
  }

  private async remove(reqid: number, clientPath: string): Promise<void> {
    const resolved = await this.real(clientPath);
    await this.requireDirAccess(path.dirname(resolved.real), W | X);
    const stats = await lstat(resolved.real);
    if (stats.isDirectory()) throw new SftpFailure(STATUS_CODE.FAILURE, 'Is a directory');
    await unlink(resolved.real);
    this.ok(reqid, 'REMOVE', resolved.virtual);
  }

  private async rename(reqid: number, fromPath: string, toPath: string): Promise<void> {
    const from = await this.real(fromPath);
    const to = await this.real(toPath);
    if (from.real === from.root) throw denied('A mapped folder cannot be renamed');
    await this.requireDirAccess(path.dirname(from.real), W | X);
    await this.requireDirAccess(path.dirname(to.real), W | X);
    if (await stat(to.real).catch(() => null)) throw new SftpFailure(STATUS_CODE.FAILURE, 'The target exists');
    await rename(from.real, to.real);
    this.ok(reqid, 'RENAME', from.virtual, { to: to.virtual });
  }
}

export async function startSftpServer(options: SftpServerOptions): Promise<{ port: number; close(): Promise<void> }> {
  const log = options.log ?? (() => undefined);
  const canChown = typeof process.getuid === 'function' && process.getuid() === 0;
  const methods = options.authenticationMethods;
  const allowed: AuthenticationType[] = methods === 'PASSWORD' ? ['password'] : methods === 'PUBLIC_KEY' ? ['publickey'] : ['publickey', 'password'];

  const clients = new Set<Connection>();
  const server = new Server(
    {
      hostKeys: [hostKey(options.hostKeyPath)],
      ident: 'AWS_SFTP_1.1',
      // AES-GCM and CTR run in OpenSSL; ssh2's chacha20-poly1305 needs a native addon npm may not build.
      algorithms: { cipher: ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-ctr', 'aes192-ctr', 'aes256-ctr'] },
    },
    (client: Connection, info) => {
    clients.add(client);
    const sourceIp = info.ip.replace(/^::ffff:/, '');
    let keyVerifiedFor: string | null = null;
    let session: Session | null = null;
    const started = Date.now();
    log({ event: 'sftp-connect', sourceIp });

    async function ask(username: string, password?: string): Promise<Record<string, unknown>> {
      try {
        return await options.authenticate({ username, ...(password === undefined ? {} : { password }), protocol: 'SFTP', serverId: options.serverId, sourceIp });
      } catch {
        return {};
      }
    }

    client.on('authentication', (ctx) => {
      void (async () => {
        const remaining: AuthenticationType[] = methods === 'PUBLIC_KEY_AND_PASSWORD' && keyVerifiedFor === ctx.username ? ['password'] : allowed;
        if (ctx.method === 'password' && remaining.includes('password') && (methods !== 'PUBLIC_KEY_AND_PASSWORD' || keyVerifiedFor === ctx.username)) {
          const answer = await ask(ctx.username, ctx.password);
          const next = ctx.password !== '' ? sessionFrom(ctx.username, answer, options.efsRoot) : null;
          log({ event: 'sftp-auth', method: 'password', username: ctx.username, sourceIp, decision: next ? 'allow' : 'deny' });
          if (next) {
            session = next;
            return ctx.accept();
          }
          return ctx.reject(remaining);
        }
        if (ctx.method === 'publickey' && remaining.includes('publickey')) {
          const answer = await ask(ctx.username);
          const line = keyMatches(ctx, answer.PublicKeys);
          const next = line ? sessionFrom(ctx.username, answer, options.efsRoot) : null;
          if (!line || !next) {
            log({ event: 'sftp-auth', method: 'publickey', username: ctx.username, sourceIp, decision: 'deny' });
            return ctx.reject(remaining);
          }
          // The first, unsigned try only asks whether this key would do.
          if (!ctx.signature || !ctx.blob) return ctx.accept();
          const parsed = utils.parseKey(line);
          const key = Array.isArray(parsed) ? parsed[0] : parsed;
          if (!key || key instanceof Error || !key.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) {
            log({ event: 'sftp-auth', method: 'publickey', username: ctx.username, sourceIp, decision: 'deny', reason: 'bad-signature' });
            return ctx.reject(remaining);
          }
          log({ event: 'sftp-auth', method: 'publickey', username: ctx.username, sourceIp, decision: 'allow', key: createHash('sha256').update(ctx.key.data).digest('base64').replace(/=+$/, '') });
          if (methods === 'PUBLIC_KEY_AND_PASSWORD') {
            keyVerifiedFor = ctx.username;
            return ctx.reject(['password'], true);
          }
          session = next;
          return ctx.accept();
        }
        ctx.reject(remaining);
      })().catch(() => ctx.reject());
    });

    client.on('ready', () => {
      const current = session!;
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
    client.on('close', () => log({ event: 'sftp-disconnect', sourceIp, username: (session as Session | null)?.username ?? null, seconds: Math.round((Date.now() - started) / 1000) }));
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
