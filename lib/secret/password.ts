// Password hashing for user secrets and console accounts: argon2id in PHC string form.
// hash-wasm ships the reference argon2 as WebAssembly inside JavaScript, so the Lambda bundle is one
// file that runs on x86_64 and arm64 alike (no per-architecture native binary).
import { randomBytes, randomInt, timingSafeEqual, createHash } from 'node:crypto';
import { argon2id, argon2Verify } from 'hash-wasm';

/** OWASP's first recommended argon2id configuration: 19 MiB, 2 passes, 1 lane. */
export const ARGON2_DEFAULTS = { memorySize: 19_456, iterations: 2, parallelism: 1, hashLength: 32, saltLength: 16 } as const;

/** Verification refuses hashes that would make one login cost more than this (a denial-of-service guard). */
export const ARGON2_MAX_MEMORY_KIB = 65_536;
const ARGON2_MAX_ITERATIONS = 16;
const ARGON2_MAX_PARALLELISM = 16;

const PHC_PATTERN = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]{11,})\$([A-Za-z0-9+/]{16,})$/;

export type Argon2Parameters = { memorySize: number; iterations: number; parallelism: number };

/** Reads the parameters of an argon2id PHC string, or null when it is not one we accept. */
export function parseArgon2idHash(phc: string): Argon2Parameters | null {
  const match = PHC_PATTERN.exec(phc);
  if (!match) return null;
  const [, m, t, p] = match;
  const params = { memorySize: Number(m), iterations: Number(t), parallelism: Number(p) };
  if (params.iterations < 1 || params.parallelism < 1 || params.memorySize < 8 * params.parallelism) return null;
  return params;
}

export function isArgon2idHash(value: string): boolean {
  return parseArgon2idHash(value) !== null;
}

export async function hashPassword(password: string, params: Partial<Argon2Parameters> = {}): Promise<string> {
  return argon2id({
    password,
    salt: randomBytes(ARGON2_DEFAULTS.saltLength),
    memorySize: params.memorySize ?? ARGON2_DEFAULTS.memorySize,
    iterations: params.iterations ?? ARGON2_DEFAULTS.iterations,
    parallelism: params.parallelism ?? ARGON2_DEFAULTS.parallelism,
    hashLength: ARGON2_DEFAULTS.hashLength,
    outputType: 'encoded',
  });
}

/** Verifies against any standard argon2id PHC string within the cost limits; false for anything else. */
export async function verifyPassword(password: string, phc: string): Promise<boolean> {
  const params = parseArgon2idHash(phc);
  if (
    !params ||
    params.memorySize > ARGON2_MAX_MEMORY_KIB ||
    params.iterations > ARGON2_MAX_ITERATIONS ||
    params.parallelism > ARGON2_MAX_PARALLELISM
  ) {
    return false;
  }
  try {
    return await argon2Verify({ password, hash: phc });
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
