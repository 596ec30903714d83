// Password hashing for user secrets and console accounts: argon2id in PHC string form.
// Node 24's `crypto.argon2` (OpenSSL's C implementation) does the work where the runtime has it, as on
// the Lambda's nodejs24.x; elsewhere (the console on Node 20) hash-wasm's WebAssembly build of the
// reference implementation does. Both read the same PHC strings within the same bounds.
import * as nodeCrypto from 'node:crypto';
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** OWASP's first recommended argon2id configuration: 19 MiB, 2 passes, 1 lane. */
export const ARGON2_DEFAULTS = { memorySize: 19_456, iterations: 2, parallelism: 1, hashLength: 32, saltLength: 16 } as const;

/**
 * The most a stored hash may make one login cost (a denial-of-service guard: the secret is data, and
 * the Lambda has 10 s at 256 MB, about a seventh of a vCPU). Cost is memory × passes: the heaviest
 * accepted is argon2-cffi's default (64 MiB × 3 passes = 196,608 KiB·passes), about 0.2 s native on
 * one full core, about 1.5 s on the 256 MB Lambda. Parallelism does not lower the CPU time a
 * fractional vCPU pays, so it is bounded only by the lanes argon2 libraries use.
 */
export const ARGON2_BOUNDS = {
  maxMemoryKiB: 65_536,
  maxIterations: 16,
  maxParallelism: 16,
  maxCostKiBPasses: 196_608,
  maxSaltBytes: 64,
  maxHashBytes: 64,
} as const;

// Unpadded standard base64, as PHC strings carry salt and hash.
const PHC_PATTERN = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]{11,})\$([A-Za-z0-9+/]{16,})$/;

export type Argon2Parameters = { memorySize: number; iterations: number; parallelism: number };
type ParsedHash = Argon2Parameters & { salt: Buffer; hash: Buffer };

function decodeUnpadded(text: string): Buffer | null {
  const bytes = Buffer.from(text, 'base64');
  // Only the canonical encoding: a string that does not round-trip is not one argon2 wrote.
  return bytes.toString('base64').replace(/=+$/, '') === text ? bytes : null;
}

function parsePhc(phc: string): ParsedHash | null {
  const match = PHC_PATTERN.exec(phc);
  if (!match) return null;
  const [, m, t, p, saltText, hashText] = match;
  const params = { memorySize: Number(m), iterations: Number(t), parallelism: Number(p) };
  if (params.iterations < 1 || params.parallelism < 1 || params.memorySize < 8 * params.parallelism) return null;
  const salt = decodeUnpadded(saltText!);
  const hash = decodeUnpadded(hashText!);
  if (!salt || !hash || salt.length > ARGON2_BOUNDS.maxSaltBytes || hash.length > ARGON2_BOUNDS.maxHashBytes) return null;
  return { ...params, salt, hash };
}

/** Reads the parameters of an argon2id PHC string, or null when it is not one we accept. */
export function parseArgon2idHash(phc: string): Argon2Parameters | null {
  const parsed = parsePhc(phc);
  return parsed ? { memorySize: parsed.memorySize, iterations: parsed.iterations, parallelism: parsed.parallelism } : null;
}

export function isArgon2idHash(value: string): boolean {
  return parsePhc(value) !== null;
}

/** Whether verifying against these parameters stays within ARGON2_BOUNDS. */
export function argon2CostWithinBounds(params: Argon2Parameters): boolean {
  return (
    params.memorySize <= ARGON2_BOUNDS.maxMemoryKiB &&
    params.iterations <= ARGON2_BOUNDS.maxIterations &&
    params.parallelism <= ARGON2_BOUNDS.maxParallelism &&
    params.memorySize * params.iterations <= ARGON2_BOUNDS.maxCostKiBPasses
  );
}

/** What a stored hash is: usable, beyond the cost bounds, or not an argon2id PHC string at all. */
export function classifyArgon2idHash(phc: string): 'ok' | 'too-costly' | 'malformed' {
  const params = parseArgon2idHash(phc);
  if (!params) return 'malformed';
  return argon2CostWithinBounds(params) ? 'ok' : 'too-costly';
}

type NativeArgon2Parameters = { message: string | Buffer; nonce: Buffer; parallelism: number; tagLength: number; memory: number; passes: number };
type NativeArgon2 = (algorithm: 'argon2id', parameters: NativeArgon2Parameters, callback: (err: Error | null, derivedKey: Buffer) => void) => void;

// @types/node 20 does not know crypto.argon2 (Node 24.7+); read it off the module at run time.
const nativeArgon2: NativeArgon2 | undefined = (nodeCrypto as unknown as { argon2?: NativeArgon2 }).argon2;

export type Argon2Backend = 'node:crypto' | 'hash-wasm';
/** Which implementation this runtime uses. */
export const argon2Backend: Argon2Backend = typeof nativeArgon2 === 'function' ? 'node:crypto' : 'hash-wasm';

export type Argon2Input = Argon2Parameters & { password: string; salt: Buffer; hashLength: number };
/**
 * An argon2id implementation supplied by the caller (the console's native one, lib/console/argon2.ts):
 * the raw tag for these inputs. The PHC encoding, the parsing and the cost bounds stay here, so every
 * backend writes and accepts exactly the same strings.
 */
export type Argon2Deriver = (input: Argon2Input) => Promise<Buffer>;

function deriveNative(input: Argon2Input): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    nativeArgon2!(
      'argon2id',
      {
        message: input.password,
        nonce: input.salt,
        parallelism: input.parallelism,
        tagLength: input.hashLength,
        memory: input.memorySize,
        passes: input.iterations,
      },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

async function deriveWasm(input: Argon2Input): Promise<Buffer> {
  // Loaded on first use, so the Lambda's cold start on a runtime with crypto.argon2 never compiles it.
  const { argon2id } = await import('hash-wasm');
  const bytes = await argon2id({ ...input, outputType: 'binary' });
  return Buffer.from(bytes);
}

/** The raw argon2id tag, by the chosen backend (all give the same bytes). */
export function deriveArgon2id(input: Argon2Input, backend: Argon2Backend | Argon2Deriver = argon2Backend): Promise<Buffer> {
  if (typeof backend === 'function') return backend(input);
  return backend === 'node:crypto' ? deriveNative(input) : deriveWasm(input);
}

const unpadded = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

export async function hashPassword(
  password: string,
  params: Partial<Argon2Parameters> = {},
  backend: Argon2Backend | Argon2Deriver = argon2Backend,
): Promise<string> {
  const input = {
    password,
    salt: randomBytes(ARGON2_DEFAULTS.saltLength),
    memorySize: params.memorySize ?? ARGON2_DEFAULTS.memorySize,
    iterations: params.iterations ?? ARGON2_DEFAULTS.iterations,
    parallelism: params.parallelism ?? ARGON2_DEFAULTS.parallelism,
    hashLength: ARGON2_DEFAULTS.hashLength,
  };
  const hash = await deriveArgon2id(input, backend);
  return `$argon2id$v=19$m=${input.memorySize},t=${input.iterations},p=${input.parallelism}$${unpadded(input.salt)}$${unpadded(hash)}`;
}

/** Verifies against any standard argon2id PHC string within ARGON2_BOUNDS; false for anything else. */
export async function verifyPassword(password: string, phc: string, backend: Argon2Backend | Argon2Deriver = argon2Backend): Promise<boolean> {
  const parsed = parsePhc(phc);
  if (!parsed || !argon2CostWithinBounds(parsed)) return false;
  try {
    const computed = await deriveArgon2id({ ...parsed, password, hashLength: parsed.hash.length }, backend);
    return timingSafeEqual(computed, parsed.hash);
  } catch {
    return false;
  }
}

/** Constant-time comparison of two strings of any length (hashing first equalises the lengths). */
export function constantTimeEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB) && a.length === b.length;
}

// No look-alike characters (0/O, 1/l/I), so a password read aloud by the help desk survives.
const PASSWORD_ALPHABETS = {
  lower: 'abcdefghijkmnopqrstuvwxyz',
  upper: 'ABCDEFGHJKLMNPQRSTUVWXYZ',
  digit: '23456789',
  symbol: '-_.!@#%+=',
};

/** A random password of `length` characters with at least one of each character class. */
export function generatePassword(length = 20): string {
  if (length < 12) throw new Error('Generated passwords are at least 12 characters long');
  const classes = Object.values(PASSWORD_ALPHABETS);
  const all = classes.join('');
  const chars = classes.map((alphabet) => alphabet[randomInt(alphabet.length)]!);
  while (chars.length < length) chars.push(all[randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
