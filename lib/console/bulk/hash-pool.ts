// The console's last-resort argon2id (lib/console/argon2.ts uses it only when neither @node-rs/argon2
// nor Node 24's crypto.argon2 is there): hash-wasm would block the event loop for every hash (about
// 0.1-0.25 s each on Node 20), so a few worker threads run it and the console stays responsive.
import 'server-only';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ARGON2_DEFAULTS } from '../../secret/password';

// The PHC string hash-wasm encodes is the one hashPassword writes: same parameters, unpadded base64.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { argon2id } = require('hash-wasm');
parentPort.on('message', async ({ id, password, salt, memorySize, iterations, parallelism, hashLength }) => {
  try {
    const hash = await argon2id({ password, salt: Buffer.from(salt, 'base64'), memorySize, iterations, parallelism, hashLength, outputType: 'encoded' });
    parentPort.postMessage({ id, hash });
  } catch (err) {
    parentPort.postMessage({ id, error: err && err.name ? err.name : 'Error' });
  }
});
`;

type Pending = { resolve: (hash: string) => void; reject: (err: Error) => void };
type Pool = { workers: Worker[]; next: number; pending: Map<number, Pending>; id: number };

let pool: Pool | null = null;

function getPool(): Pool {
  if (pool) return pool;
  const size = Math.max(1, Math.min(4, Number(process.env.BULK_HASH_WORKERS) || availableParallelism()));
  const created: Pool = { workers: [], next: 0, pending: new Map(), id: 0 };
  for (let i = 0; i < size; i++) {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (message: { id: number; hash?: string; error?: string }) => {
      const waiting = created.pending.get(message.id);
      created.pending.delete(message.id);
      if (!waiting) return;
      if (message.hash) waiting.resolve(message.hash);
      else waiting.reject(new Error(`hashing failed: ${message.error ?? 'unknown'}`));
    });
    worker.on('error', () => {
      // A broken pool is dropped; the next hash starts a new one, and what waited fails by name.
      for (const waiting of created.pending.values()) waiting.reject(new Error('hash worker failed'));
      created.pending.clear();
      void Promise.all(created.workers.map((w) => w.terminate()));
      if (pool === created) pool = null;
    });
    created.workers.push(worker);
  }
  pool = created;
  return created;
}

export function hashPasswordInWasmWorkers(password: string): Promise<string> {
  const current = getPool();
  const id = ++current.id;
  const worker = current.workers[current.next++ % current.workers.length]!;
  worker.ref();
  return new Promise<string>((resolve, reject) => {
    current.pending.set(id, { resolve, reject });
    worker.postMessage({
      id,
      password,
      salt: randomBytes(ARGON2_DEFAULTS.saltLength).toString('base64'),
      memorySize: ARGON2_DEFAULTS.memorySize,
      iterations: ARGON2_DEFAULTS.iterations,
      parallelism: ARGON2_DEFAULTS.parallelism,
      hashLength: ARGON2_DEFAULTS.hashLength,
    });
  }).finally(() => {
    if (current.pending.size === 0) for (const w of current.workers) w.unref();
  });
}
