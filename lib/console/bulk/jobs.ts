// Bulk jobs' state on disk, so a console restart does not lose the view of an import or an upgrade:
// one JSON file per job (mode 0600) in CONSOLE_JOBS_DIR (default `console-jobs/` beside the console
// accounts, like the session records), written to a temporary name, fsynced and renamed, so a crash
// leaves the previous whole file or the new one. Writes are throttled (at most one a second per job,
// and a heartbeat every 30 s while it runs), never one per row. What is written: counts, per-row
// results, state, ids, file name, actor, times and the names of users given a generated password;
// NEVER a password, hash or secret value (those stay in the process's memory until delivered once).
// A file whose job was running in a process that is gone reads as "interrupted". Files older than
// JOB_FILES_KEPT_DAYS are removed (checked at most once an hour, on a write or a listing).
import 'server-only';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { consoleUsersFile } from '../../auth/local-users';
import { errorName } from '../errors';

export const jobsDir = () => process.env.CONSOLE_JOBS_DIR ?? path.join(path.dirname(consoleUsersFile()), 'console-jobs');
export const JOB_FILES_KEPT_DAYS = 30;
const WRITE_INTERVAL_MS = 1_000;
const HEARTBEAT_MS = 30_000;
/** A running job whose file has not been written for this long belongs to a process that stopped. */
const STALE_AFTER_MS = 3 * HEARTBEAT_MS;
const PRUNE_EVERY_MS = 3600_000;

export type JobKind = 'import' | 'upgrade';
type Owner = { host: string; pid: number; instance: string };

// One identity per process (kept on globalThis, as the registries are, so module reloads share it).
const processOwner: Owner = ((globalThis as { __transferDeskJobOwner?: Owner }).__transferDeskJobOwner ??= {
  host: hostname(),
  pid: process.pid,
  instance: randomUUID(),
});

/** Job keys are ids the console makes (`<server id>-<import id>`, server ids): nothing else reaches a path. */
const KEY = /^[a-z0-9-]{1,100}$/;

function fileOf(kind: JobKind, key: string): string {
  if (!KEY.test(key)) throw new Error('not a job key');
  return path.join(/*turbopackIgnore: true*/ jobsDir(), `${kind}-${key}.json`);
}

const envelope = z.object({
  kind: z.enum(['import', 'upgrade']),
  key: z.string().regex(KEY),
  owner: z.object({ host: z.string(), pid: z.number().int(), instance: z.string() }),
  updatedAt: z.string(),
  job: z.looseObject({ state: z.enum(['running', 'finished']) }),
});

/** Where a job read from disk stands: its process still runs it (here or elsewhere), or it is gone. */
export type Liveness = 'running-elsewhere' | 'interrupted' | 'settled';
/** `ownerGone`: the process that wrote the file has stopped (what it held only in memory is lost). */
export type StoredJob<T> = { job: T; updatedAt: string; liveness: Liveness; ownerGone: boolean };

async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(/*turbopackIgnore: true*/ path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(/*turbopackIgnore: true*/ temp, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(/*turbopackIgnore: true*/ temp, file);
}

/**
 * One job's file. `changed()` asks for a write (coalesced: at most one a second), `flush()` writes now
 * (start and end of a job). `stillOwner()` false stops writes: a run that is no longer this process's
 * registered run (replaced, or forgotten by a simulated restart) never overwrites the file.
 * A write that fails is logged (its error's name only) and kept in `lastError` for the page; the job
 * itself carries on.
 */
export class JobFile<T extends { state: string }> {
  private timer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private dirty = false;
  private lastWrite = 0;
  lastError: string | null = null;

  constructor(
    private readonly kind: JobKind,
    private readonly key: string,
    private readonly snapshot: () => T,
    private readonly stillOwner: () => boolean,
  ) {
    if (!KEY.test(key)) throw new Error('not a job key');
  }

  changed(): void {
    this.dirty = true;
    if (this.timer || this.writing) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        void this.writeNow();
      },
      Math.max(0, this.lastWrite + WRITE_INTERVAL_MS - Date.now()),
    );
    this.timer.unref();
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.writing) await this.writing;
    this.dirty = true;
    await this.writeNow();
  }

  /** Keeps the file's time fresh while the job runs, so other processes know it is alive. */
  startHeartbeat(): void {
    this.heartbeat ??= setInterval(() => this.changed(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private async writeNow(): Promise<void> {
    if (!this.dirty || !this.stillOwner()) return;
    this.dirty = false;
    this.lastWrite = Date.now();
    const body = JSON.stringify({ kind: this.kind, key: this.key, owner: processOwner, updatedAt: new Date().toISOString(), job: this.snapshot() });
    this.writing = writeAtomically(fileOf(this.kind, this.key), body)
      .then(() => {
        this.lastError = null;
      })
      .catch((err: unknown) => {
        this.lastError = errorName(err);
        console.error(JSON.stringify({ level: 'error', event: 'job-file-write-failed', kind: this.kind, key: this.key, error: this.lastError }));
      })
      .finally(() => {
        this.writing = null;
        if (this.dirty) this.changed();
      });
    await this.writing;
    void pruneJobFiles();
  }
}

function processIsGone(owner: Owner): boolean {
  if (owner.instance === processOwner.instance) return true; // ours, yet not in our registry: orphaned
  if (owner.host !== processOwner.host) return false;
  if (owner.pid === process.pid) return true; // our pid, an earlier process's instance
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function livenessOf(state: string, owner: Owner, updatedAt: string, now = Date.now()): Liveness {
  if (state !== 'running') return 'settled';
  if (processIsGone(owner) || now - Date.parse(updatedAt) > STALE_AFTER_MS) return 'interrupted';
  return 'running-elsewhere';
}

/** A job's file, or null when there is none (or it cannot be read: logged, and treated as none). */
export async function readJobFile<T>(kind: JobKind, key: string): Promise<StoredJob<T> | null> {
  if (!KEY.test(key)) return null;
  let text: string;
  try {
    text = await readFile(/*turbopackIgnore: true*/ fileOf(kind, key), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    console.error(JSON.stringify({ level: 'error', event: 'job-file-read-failed', kind, key, error: errorName(err) }));
    return null;
  }
  return parseJobFile<T>(text, kind, key);
}

function parseJobFile<T>(text: string, kind: JobKind, key: string): StoredJob<T> | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = null;
  }
  const parsed = envelope.safeParse(raw);
  if (!parsed.success || parsed.data.kind !== kind || parsed.data.key !== key) {
    console.error(JSON.stringify({ level: 'error', event: 'job-file-unreadable', kind, key }));
    return null;
  }
  const { owner, updatedAt, job } = parsed.data;
  const liveness = livenessOf(job.state, owner, updatedAt);
  return { job: job as T, updatedAt, liveness, ownerGone: liveness === 'interrupted' || processIsGone(owner) };
}

/** The jobs of one kind whose key starts with `keyPrefix`, most recently written first: only the newest `limit` files are read. */
export async function listJobFiles<T>(kind: JobKind, keyPrefix: string, limit = 10): Promise<StoredJob<T>[]> {
  void pruneJobFiles();
  const dir = jobsDir();
  let names: string[];
  try {
    names = await readdir(/*turbopackIgnore: true*/ dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const keys = names
    .filter((n) => n.startsWith(`${kind}-${keyPrefix}`) && n.endsWith('.json'))
    .map((n) => n.slice(kind.length + 1, -'.json'.length))
    .filter((k) => KEY.test(k));
  const dated = await Promise.all(
    keys.map(async (key) => ({ key, mtime: (await stat(/*turbopackIgnore: true*/ fileOf(kind, key)).catch(() => null))?.mtimeMs ?? 0 })),
  );
  const newest = dated.sort((a, b) => b.mtime - a.mtime).slice(0, limit);
  const jobs = await Promise.all(newest.map(({ key }) => readJobFile<T>(kind, key)));
  return jobs.filter((j): j is StoredJob<T> => j !== null);
}

let lastPrune = 0;

/** Removes job files untouched for JOB_FILES_KEPT_DAYS, and temporary files a crash left (older than an hour). */
export async function pruneJobFiles(now = Date.now(), options: { force?: boolean } = {}): Promise<number> {
  if (!options.force && now - lastPrune < PRUNE_EVERY_MS) return 0;
  lastPrune = now;
  const dir = jobsDir();
  let removed = 0;
  try {
    for (const name of await readdir(/*turbopackIgnore: true*/ dir)) {
      const file = path.join(/*turbopackIgnore: true*/ dir, name);
      const info = await stat(/*turbopackIgnore: true*/ file).catch(() => null);
      if (!info) continue;
      const limit = name.endsWith('.tmp') ? 3600_000 : JOB_FILES_KEPT_DAYS * 86_400_000;
      if (now - info.mtimeMs > limit && /\.(json|tmp)$/.test(name)) {
        await unlink(/*turbopackIgnore: true*/ file).catch(() => undefined);
        removed++;
      }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      console.error(JSON.stringify({ level: 'error', event: 'job-files-prune-failed', error: errorName(err) }));
  }
  return removed;
}
