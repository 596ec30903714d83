// The console's argon2id: @node-rs/argon2 (Rust, its binary shipped inside the npm package, run on
// libuv's thread pool) wherever it loads, about 15 ms a hash where hash-wasm on Node 20 takes 100-250 ms.
// Where it cannot load: Node 24's crypto.argon2, else hash-wasm in worker threads, said once in the log.
// The Lambda never imports this file (it must not carry a native addon); lib/secret/password.ts still
// does the PHC encoding, parsing and cost bounds, so the console writes exactly what the Lambda reads.
import 'server-only';
import { availableParallelism } from 'node:os';
import { argon2Backend, hashPassword, verifyPassword, type Argon2Deriver, type Argon2Input } from '../secret/password';
import { hashPasswordInWasmWorkers } from './bulk/hash-pool';

type NativeArgon2 = Pick<typeof import('@node-rs/argon2'), 'hashRaw'>;
export type ConsoleArgon2Backend = '@node-rs/argon2' | 'node:crypto' | 'hash-wasm';

/** `@node-rs/argon2`'s Algorithm.Argon2id and Version.V0x13 (const enums: their values, not their names, cross the module boundary). */
const ARGON2ID = 2;
const VERSION_19 = 1;

let loading: Promise<NativeArgon2 | null> | null = null;

/** The native module, or null (logged once) when it cannot load here or TRANSFER_DESK_NATIVE_ARGON2=0 turns it off. */
function loadNative(): Promise<NativeArgon2 | null> {
  loading ??= (async () => {
    if (process.env.TRANSFER_DESK_NATIVE_ARGON2 === '0') {
      logFallback('disabled by TRANSFER_DESK_NATIVE_ARGON2=0');
      return null;
    }
    try {
      const loaded = (await import('@node-rs/argon2')) as NativeArgon2 & { default?: NativeArgon2 };
      const native = typeof loaded.hashRaw === 'function' ? loaded : loaded.default;
      if (typeof native?.hashRaw !== 'function') throw new TypeError('no hashRaw export');
      return native;
    } catch (err) {
      // The error's name only: a loader message can carry paths, never anything secret, but stays short.
      logFallback(err instanceof Error ? err.name : 'unknown error');
      return null;
    }
  })();
  return loading;
}

function logFallback(reason: string): void {
  // One line per process, shared with the sign-in workers (lib/auth/password-pool.ts).
  const flags = globalThis as { __transferDeskArgon2FallbackLogged?: boolean };
  if (flags.__transferDeskArgon2FallbackLogged) return;
  flags.__transferDeskArgon2FallbackLogged = true;
  const fallback = argon2Backend === 'node:crypto' ? 'node:crypto' : 'hash-wasm in worker threads';
  console.warn(JSON.stringify({ level: 'warn', event: 'argon2-native-unavailable', reason, fallback }));
}

/**
 * How many native hashes run at once: one core is left to the event loop (pages, AWS calls), and
 * libuv's four threads keep room for file I/O. A hand-written FIFO gate (a few lines) rather than a
 * dependency: no installed library does just this.
 */
const MAX_NATIVE_HASHES = Math.max(1, Number(process.env.CONSOLE_HASH_THREADS) || availableParallelism() - 1);
let nativeRunning = 0;
const nativeWaiting: Array<() => void> = [];

async function gated<T>(work: () => Promise<T>): Promise<T> {
  if (nativeRunning >= MAX_NATIVE_HASHES) await new Promise<void>((resolve) => nativeWaiting.push(resolve));
  else nativeRunning++;
  try {
    return await work();
  } finally {
    const next = nativeWaiting.shift();
    if (next) next();
    else nativeRunning--;
  }
}

function nativeDeriver(native: NativeArgon2): Argon2Deriver {
  return (input: Argon2Input) =>
    gated(() =>
      native.hashRaw(input.password, {
        algorithm: ARGON2ID,
        version: VERSION_19,
        salt: input.salt,
        memoryCost: input.memorySize,
        timeCost: input.iterations,
        parallelism: input.parallelism,
        outputLen: input.hashLength,
      }),
    );
}

/** Which implementation the console's hashing and verifying use in this process. */
export async function consoleArgon2Backend(): Promise<ConsoleArgon2Backend> {
  if (await loadNative()) return '@node-rs/argon2';
  return argon2Backend;
}

/** An argon2id PHC string for a user's or account's password, with ARGON2_DEFAULTS, off the event loop. */
export async function hashUserPassword(password: string): Promise<string> {
  const native = await loadNative();
  if (native) return hashPassword(password, {}, nativeDeriver(native));
  // node:crypto already runs in libuv's pool; hash-wasm would block the event loop, so workers run it.
  return argon2Backend === 'node:crypto' ? hashPassword(password) : hashPasswordInWasmWorkers(password);
}

/** lib/secret's verifyPassword (same bounds, same strings) with the console's implementation. */
export async function verifyUserPassword(password: string, phc: string): Promise<boolean> {
  const native = await loadNative();
  return verifyPassword(password, phc, native ? nativeDeriver(native) : argon2Backend);
}
