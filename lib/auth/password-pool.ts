// argon2 verification of console sign-ins off the request thread: a small pool of worker threads
// with a bounded queue, so parallel wrong guesses cannot stall other requests. The workers verify with
// @node-rs/argon2's synchronous call (native, ~15 ms a guess; synchronous so the work stays on the
// lowered-priority worker thread, not on libuv's pool), or with hash-wasm where the native package
// cannot load (said once in the log). Both are loaded from the console's node_modules (the server runs
// from the repo root; Next keeps @node-rs/argon2 external by default).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { classifyArgon2idHash } from '../secret/password';

// On Linux, nice is per thread: the hashing thread yields the CPU to the request thread, so pages
// stay quick while guesses are hashed (elsewhere the call fails and the thread keeps its priority).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
try {
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  if (tid > 0) require('node:os').setPriority(tid, 19);
} catch {}
let verify;
let fallback = null;
try {
  if (!workerData.native) throw Object.assign(new Error('disabled'), { name: 'Disabled' });
  const { verifySync } = require('@node-rs/argon2');
  verify = async (password, hash) => verifySync(hash, password);
} catch (err) {
  fallback = err && err.name ? err.name : 'Error';
  const { argon2Verify } = require('hash-wasm');
  verify = (password, hash) => argon2Verify({ password, hash });
}
parentPort.postMessage({ backend: fallback === null ? '@node-rs/argon2' : 'hash-wasm', fallback });
parentPort.on('message', async ({ id, password, hash }) => {
  let ok = false;
  try { ok = await verify(password, hash); } catch { ok = false; }
  parentPort.postMessage({ id, ok });
});
`;

export class PoolBusyError extends Error {
  override name = 'PoolBusyError';
}

type Job = { id: number; password: string; hash: string; resolve: (ok: boolean) => void; reject: (err: Error) => void };
type Slot = { worker: Worker; job: Job | null };

export type PasswordPoolOptions = { size?: number; maxQueue?: number; maxPerSource?: number };

export class PasswordPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  readonly size: number;
  readonly maxQueue: number;
  readonly maxPerSource: number;
  /** The argon2 implementation the workers reported (null until the first worker has started). */
  backend: string | null = null;
  private readonly inFlight = new Map<string, number>();

  constructor({ size, maxQueue, maxPerSource }: PasswordPoolOptions = {}) {
    this.size = Math.max(1, size ?? (Number(process.env.SIGNIN_HASH_WORKERS) || Math.min(4, Math.max(1, availableParallelism() - 1))));
    this.maxQueue = Math.max(0, maxQueue ?? (Number(process.env.SIGNIN_HASH_QUEUE) || 64));
    this.maxPerSource = Math.max(1, maxPerSource ?? 4);
  }

  /**
   * Resolves whether `password` matches the argon2id `hash`. Rejects with PoolBusyError when the
   * queue is full, or when `source` already has `maxPerSource` checks waiting or running (one
   * client cannot fill the queue that everyone else's sign-in waits in).
   */
  verify(password: string, hash: string, source = 'unknown'): Promise<boolean> {
    // The Lambda's cost bounds (lib/secret/password.ts) hold here too: a costlier hash never runs.
    if (classifyArgon2idHash(hash) !== 'ok') return Promise.resolve(false);
    const busy = this.slots.length >= this.size && this.slots.every((slot) => slot.job);
    if (busy && this.queue.length >= this.maxQueue) return Promise.reject(new PoolBusyError('sign-in is busy'));
    const running = this.inFlight.get(source) ?? 0;
    if (running >= this.maxPerSource) return Promise.reject(new PoolBusyError('too many sign-ins from one source'));
    this.inFlight.set(source, running + 1);
    const release = () => {
      const left = (this.inFlight.get(source) ?? 1) - 1;
      if (left > 0) this.inFlight.set(source, left);
      else this.inFlight.delete(source);
    };
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({
        id: this.nextId++,
        password,
        hash,
        resolve: (ok) => {
          release();
          resolve(ok);
        },
        reject: (err) => {
          release();
          reject(err);
        },
      });
      this.dispatch();
    });
  }

  get pending(): number {
    return this.queue.length + this.slots.filter((slot) => slot.job).length;
  }

  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.postMessage({ id: job.id, password: job.password, hash: job.hash });
    }
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { native: process.env.TRANSFER_DESK_NATIVE_ARGON2 !== '0' } });
    // Idle workers must not keep a CLI or test process alive.
    worker.unref();
    const slot: Slot = { worker, job: null };
    worker.on('message', (message: { id: number; ok: boolean } | { backend: string; fallback: string | null }) => {
      if ('backend' in message) {
        this.backend = message.backend;
        // One line per process, shared with the console's hashing (lib/console/argon2.ts).
        const flags = globalThis as { __transferDeskArgon2FallbackLogged?: boolean };
        if (message.fallback !== null && !flags.__transferDeskArgon2FallbackLogged) {
          flags.__transferDeskArgon2FallbackLogged = true;
          console.warn(
            JSON.stringify({ level: 'warn', event: 'argon2-native-unavailable', reason: message.fallback, fallback: 'hash-wasm', for: 'sign-in' }),
          );
        }
        return;
      }
      const job = slot.job;
      slot.job = null;
      if (job && job.id === message.id) job.resolve(message.ok === true);
      this.dispatch();
    });
    const fail = (err: Error) => {
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      slot.job?.reject(new Error(`password worker failed: ${err.name}`));
      slot.job = null;
      this.dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.slots.includes(slot)) fail(new Error(`exit ${code}`));
    });
    this.slots.push(slot);
    return slot;
  }
}

let shared: PasswordPool | null = null;

/** The process-wide pool the sign-in uses. */
export function passwordPool(): PasswordPool {
  shared ??= new PasswordPool();
  return shared;
}
