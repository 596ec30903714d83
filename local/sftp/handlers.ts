// The SFTP subsystem of one logged-in user: the protocol's requests mapped onto the local disk, every
// path through the user's virtual namespace and the POSIX checks. ssh2 only frames the protocol.
import { constants as fsConstants, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { chmod, chown, link, lstat, mkdir, open, readdir, rename, rmdir, stat, unlink, utimes, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import ssh2, { type Attributes, type FileEntry, type SFTPWrapper } from 'ssh2';
import { attrsOf, can, denied, DIR_ATTRS, failure, longname, missing, PERMISSION_BITS, R, SftpFailure, toFailure, W, X } from './posix';
import type { Session } from './session';
import type { Resolved } from './virtual-fs';

const { STATUS_CODE, OPEN_MODE } = ssh2.utils.sftp;

const MAX_READ = 256 * 1024;
/** Uploads are written under this hidden name beside their target and renamed over it at CLOSE. */
export const UPLOAD_PREFIX = '.transfer-desk-upload-';
const MAX_PENDING_WRITES = 64;

/** An upload staged under a temporary name: where it goes at CLOSE, and how. */
type Staged = { final: string; exclusive: boolean };

export type SftpSessionOptions = {
  /** Whether new files can be given to the user's UID/GID (the stack runs as root). */
  canChown: boolean;
  maxOpenHandles: number;
  /** The user's handles across all sessions: `take` is false once they are all in use. */
  userHandles: { take(): boolean; give(count: number): void; max: number };
};

type Handle =
  | {
      kind: 'file';
      file: FileHandle;
      virtual: string;
      /** The path the descriptor was opened on: the target, or the staged upload's temporary name. */
      real: string;
      staged: Staged | null;
      read: number;
      written: number;
      writable: boolean;
      pending: Set<Promise<void>>;
      failed: unknown;
    }
  | { kind: 'dir'; entries: FileEntry[] | null; virtual: string; resolved: Resolved };

/** One user's SFTP subsystem: every path goes through the virtual namespace and the POSIX checks. */
export class SftpSession {
  private readonly handles = new Map<number, Handle>();
  private nextHandle = 1;
  /** OPEN and OPENDIR requests between the cap check and their handle, so concurrent ones count too. */
  private opening = 0;
  /** Set once the subsystem ended: handles still being opened are closed as they arrive. */
  private ended = false;

  constructor(
    private readonly sftp: SFTPWrapper,
    private readonly session: Session,
    private readonly log: (line: Record<string, unknown>) => void,
    private readonly options: SftpSessionOptions,
  ) {
    const serve = (op: string, reqid: number, work: Promise<void>) => {
      work.catch((err: unknown) => {
        const answer = toFailure(err);
        this.log({ event: 'sftp-op', op, result: 'error', status: answer.message });
        sftp.status(reqid, answer.code, answer.message);
      });
    };
    sftp.on('REALPATH', (reqid, clientPath) => serve('REALPATH', reqid, this.realpath(reqid, clientPath)));
    sftp.on('STAT', (reqid, clientPath) => serve('STAT', reqid, this.stat(reqid, clientPath, true)));
    sftp.on('LSTAT', (reqid, clientPath) => serve('LSTAT', reqid, this.stat(reqid, clientPath, false)));
    sftp.on('OPENDIR', (reqid, clientPath) => serve('OPENDIR', reqid, this.opendir(reqid, clientPath)));
    sftp.on('READDIR', (reqid, handle) => serve('READDIR', reqid, this.readdir(reqid, handle)));
    sftp.on('OPEN', (reqid, clientPath, flags, attrs) => serve('OPEN', reqid, this.open(reqid, clientPath, flags, attrs)));
    sftp.on('READ', (reqid, handle, offset, length) => serve('READ', reqid, this.read(reqid, handle, offset, length)));
    sftp.on('WRITE', (reqid, handle, offset, data) => serve('WRITE', reqid, this.write(reqid, handle, offset, data)));
    sftp.on('FSTAT', (reqid, handle) => serve('FSTAT', reqid, this.fstat(reqid, handle)));
    sftp.on('FSETSTAT', (reqid, handle, attrs) => serve('FSETSTAT', reqid, this.fsetstat(reqid, handle, attrs)));
    sftp.on('SETSTAT', (reqid, clientPath, attrs) => serve('SETSTAT', reqid, this.setstat(reqid, clientPath, attrs)));
    sftp.on('CLOSE', (reqid, handle) => serve('CLOSE', reqid, this.close(reqid, handle)));
    sftp.on('MKDIR', (reqid, clientPath, attrs) => serve('MKDIR', reqid, this.mkdir(reqid, clientPath, attrs)));
    sftp.on('RMDIR', (reqid, clientPath) => serve('RMDIR', reqid, this.rmdir(reqid, clientPath)));
    sftp.on('REMOVE', (reqid, clientPath) => serve('REMOVE', reqid, this.remove(reqid, clientPath)));
    sftp.on('RENAME', (reqid, from, to) => serve('RENAME', reqid, this.rename(reqid, from, to)));
    sftp.on('READLINK', (reqid) =>
      serve('READLINK', reqid, Promise.reject(new SftpFailure(STATUS_CODE.OP_UNSUPPORTED, 'Symbolic links are not supported'))),
    );
    sftp.on('SYMLINK', (reqid) => serve('SYMLINK', reqid, Promise.reject(denied('Symbolic links are not allowed'))));
    // The client's EOF ends the subsystem: close our side too, or OpenSSH waits for it forever.
    sftp.on('end', () => {
      void this.closeAll();
      sftp.end();
    });
    sftp.on('close', () => void this.closeAll());
  }

  /**
   * The session ended with handles open: a file still open for writing is an interrupted upload. A
   * staged one is discarded (the target keeps its previous content, or stays absent); one written in
   * place keeps what arrived. Either way the log names it with the bytes received.
   */
  private async closeAll(): Promise<void> {
    this.ended = true;
    const open = [...this.handles.values()];
    this.handles.clear();
    this.options.userHandles.give(open.length);
    for (const handle of open) {
      if (handle.kind !== 'file') continue;
      await Promise.all(handle.pending);
      await handle.file.close().catch((err: unknown) => (handle.failed ??= err));
      if (!handle.writable) continue;
      if (handle.staged) await unlink(handle.real).catch(() => undefined);
      this.log({
        event: 'sftp-upload-interrupted',
        path: handle.virtual,
        bytesWritten: handle.written,
        kept: handle.staged ? 'nothing' : 'partial file',
      });
    }
  }

  /**
   * Answers an OPEN/OPENDIR with a new handle, within the session's cap and the user's cap across
   * sessions; requests in flight count from the start, so a burst cannot overshoot. A handle made
   * after the session ended is closed at once, so neither descriptors nor the user's budget leak.
   */
  private async openHandle(reqid: number, make: () => Promise<Handle>): Promise<void> {
    const { maxOpenHandles, userHandles } = this.options;
    if (this.handles.size + this.opening >= maxOpenHandles) throw failure(`Too many open handles (at most ${maxOpenHandles} per session)`);
    if (!userHandles.take()) throw failure(`Too many open handles (at most ${userHandles.max} per user)`);
    this.opening += 1;
    let handle: Handle;
    try {
      handle = await make();
    } catch (err) {
      userHandles.give(1);
      throw err;
    } finally {
      this.opening -= 1;
    }
    const buffer = this.handleBuffer(handle);
    if (this.ended) return void (await this.closeAll());
    this.sftp.handle(reqid, buffer);
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
    // Another upload's temporary file is nobody's to touch.
    if (path.basename(resolved.real).startsWith(UPLOAD_PREFIX)) throw missing();
    if (!(await this.session.fs.contained(resolved))) throw denied('Path outside the home directory');
    return resolved;
  }

  private async requireDirAccess(realDir: string, want: number): Promise<void> {
    const stats = await stat(realDir);
    if (!stats.isDirectory()) throw new SftpFailure(STATUS_CODE.FAILURE, 'Not a directory');
    if (!can(stats, this.session.profile, want)) throw denied();
  }

  private async own(realPath: string): Promise<void> {
    if (this.options.canChown) await chown(realPath, this.session.profile.uid, this.session.profile.gid);
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

  // eslint-disable-next-line @typescript-eslint/require-await -- async so a throw from normalize() reaches serve() as a rejection, as in every other handler
  private async realpath(reqid: number, clientPath: string): Promise<void> {
    const virtual = this.session.fs.normalize(clientPath || '.');
    // A REALPATH answer carries no attributes (flags 0); @types/ssh2 declares every field required.
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
    await this.openHandle(reqid, () => Promise.resolve({ kind: 'dir', entries: null, virtual: resolved.virtual, resolved }));
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
          if (name.startsWith(UPLOAD_PREFIX)) continue;
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
    await this.openHandle(reqid, () => this.openFile(clientPath, flags, attrs));
  }

  private async openFile(clientPath: string, flags: number, attrs: Attributes): Promise<Handle> {
    const resolved = await this.real(clientPath);
    const { READ, WRITE, APPEND, CREAT, TRUNC, EXCL } = OPEN_MODE;
    const writable = (flags & WRITE) !== 0;
    const readable = (flags & READ) !== 0 || !writable;
    const access = readable && writable ? fsConstants.O_RDWR : writable ? fsConstants.O_WRONLY : fsConstants.O_RDONLY;
    const existing = await stat(resolved.real).catch(() => null);
    if (existing?.isDirectory()) throw failure('Is a directory');
    const parent = path.dirname(resolved.real);
    if (existing) {
      if (flags & EXCL) throw failure('File exists');
      if (!can(existing, this.session.profile, (readable ? R : 0) | (writable ? W : 0))) throw denied();
    } else {
      if (!(flags & CREAT)) throw missing();
      await this.requireDirAccess(parent, W | X);
    }
    const requestedMode = typeof attrs?.mode === 'number' ? attrs.mode & PERMISSION_BITS : 0o644;
    const handle = { virtual: resolved.virtual, read: 0, written: 0, writable, pending: new Set<Promise<void>>(), failed: null };

    // A new file, or an existing one truncated: written under a temporary name and renamed at CLOSE, so
    // the target never shows a partial upload. Writes into an existing file's content stay in place.
    const whole = writable && (!existing || (flags & TRUNC) !== 0);
    const parentWritable = whole && (!existing || (await this.dirAllows(parent, W | X)));
    if (whole && parentWritable) {
      const temporary = path.join(parent, `${UPLOAD_PREFIX}${randomBytes(12).toString('hex')}`);
      const mode = existing ? existing.mode & PERMISSION_BITS : requestedMode;
      const file = await open(
        temporary,
        access | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW | (flags & APPEND ? fsConstants.O_APPEND : 0),
        mode,
      );
      try {
        // Replacing a file keeps its owner and mode, as writing it in place would.
        if (existing) {
          if (this.options.canChown) await chown(temporary, existing.uid, existing.gid);
          await chmod(temporary, mode);
        } else await this.own(temporary);
      } catch (err) {
        await file.close();
        await unlink(temporary).catch(() => undefined);
        throw err;
      }
      return { kind: 'file', file, real: temporary, staged: { final: resolved.real, exclusive: (flags & EXCL) !== 0 }, ...handle };
    }
    // Any combination the protocol allows, not only the few ssh2 names.
    const mode =
      access |
      (flags & CREAT ? fsConstants.O_CREAT : 0) |
      (flags & TRUNC ? fsConstants.O_TRUNC : 0) |
      (flags & EXCL ? fsConstants.O_EXCL : 0) |
      (flags & APPEND ? fsConstants.O_APPEND : 0) |
      fsConstants.O_NOFOLLOW;
    const file = await open(resolved.real, mode, requestedMode);
    if (!existing) await this.own(resolved.real);
    return { kind: 'file', file, real: resolved.real, staged: null, ...handle };
  }

  private async dirAllows(realDir: string, want: number): Promise<boolean> {
    const stats = await stat(realDir).catch(() => null);
    return stats !== null && stats.isDirectory() && can(stats, this.session.profile, want);
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
    if (
      typeof attrs.gid === 'number' &&
      attrs.gid !== stats.gid &&
      profile.uid !== 0 &&
      attrs.gid !== profile.gid &&
      !profile.groups.includes(attrs.gid)
    )
      throw denied();
    const owner = profile.uid === 0 || stats.uid === profile.uid;
    if ((typeof attrs.mode === 'number' || typeof attrs.mtime === 'number') && !owner) throw denied('Only the owner can change this');
    // setuid, setgid and sticky are never set: a user's file must not run as its owner on the host.
    if (typeof attrs.mode === 'number') await chmod(realPath, attrs.mode & PERMISSION_BITS);
    if (typeof attrs.mtime === 'number' && typeof attrs.atime === 'number') await utimes(realPath, attrs.atime, attrs.mtime);
  }

  private async fsetstat(reqid: number, buffer: Buffer, attrs: Attributes): Promise<void> {
    const handle = this.handleOf(buffer);
    if (handle.kind !== 'file') throw new SftpFailure(STATUS_CODE.FAILURE, 'Not a file handle');
    await this.settle(handle);
    await this.applyAttrs(handle.real, await handle.file.stat(), attrs);
    if (typeof attrs.size === 'number') await handle.file.truncate(attrs.size);
    this.ok(reqid, 'FSETSTAT', handle.virtual);
  }

  private async setstat(reqid: number, clientPath: string, attrs: Attributes): Promise<void> {
    const resolved = await this.real(clientPath);
    await this.applyAttrs(resolved.real, await stat(resolved.real), attrs);
    this.ok(reqid, 'SETSTAT', resolved.virtual, typeof attrs.mode === 'number' ? { mode: (attrs.mode & PERMISSION_BITS).toString(8) } : {});
  }

  private async close(reqid: number, buffer: Buffer): Promise<void> {
    const handle = this.handleOf(buffer);
    this.handles.delete(handle.id);
    this.options.userHandles.give(1);
    if (handle.kind === 'file') {
      try {
        try {
          await this.settle(handle);
        } finally {
          await handle.file.close();
        }
        if (handle.staged) await this.publish(handle.real, handle.staged);
      } catch (err) {
        if (handle.staged) await unlink(handle.real).catch(() => undefined);
        if (handle.writable)
          this.log({
            event: 'sftp-upload-interrupted',
            path: handle.virtual,
            bytesWritten: handle.written,
            kept: handle.staged ? 'nothing' : 'partial file',
          });
        throw err;
      }
      this.log({
        event: 'sftp-op',
        op: handle.writable ? 'PUT' : 'GET',
        path: handle.virtual,
        result: 'ok',
        bytesRead: handle.read,
        bytesWritten: handle.written,
      });
    }
    this.sftp.status(reqid, STATUS_CODE.OK);
  }

  /** Moves a finished upload onto its name; an exclusive create never replaces a file made meanwhile. */
  private async publish(temporary: string, staged: Staged): Promise<void> {
    if (staged.exclusive) {
      await link(temporary, staged.final);
      await unlink(temporary);
    } else await rename(temporary, staged.final);
  }

  private async mkdir(reqid: number, clientPath: string, attrs: Attributes): Promise<void> {
    const resolved = await this.real(clientPath);
    await this.requireDirAccess(path.dirname(resolved.real), W | X);
    await mkdir(resolved.real, typeof attrs?.mode === 'number' ? attrs.mode & PERMISSION_BITS : 0o755);
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
