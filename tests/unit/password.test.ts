import { describe, expect, it } from 'vitest';
import {
  ARGON2_BOUNDS,
  argon2Backend,
  classifyArgon2idHash,
  constantTimeEqual,
  deriveArgon2id,
  generatePassword,
  hashPassword,
  parseArgon2idHash,
  verifyPassword,
  type Argon2Backend,
} from '@/lib/secret/password';

// Made by the reference C implementation (Debian's `argon2` CLI):
//   echo -n 'correct horse' | argon2 somesaltvalue16 -id -t 3 -m 16 -p 4 -e
// t=3, m=64 MiB, p=4 are also argon2-cffi's defaults, which produce the same PHC string form.
const REFERENCE_64MIB = '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHR2YWx1ZTE2$wXIN2ixSquhDyJKAxiS6twP3P8D3poFGBUR3w/eiPU4';
//   echo -n 'correct horse' | argon2 anothersalt123 -id -t 1 -m 15 -p 1 -e
const REFERENCE_32MIB = '$argon2id$v=19$m=32768,t=1,p=1$YW5vdGhlcnNhbHQxMjM$7nTxfd67wy02KRNtcUp4zOy0rfJCkpbbTY4il2SYV5g';

describe('argon2id passwords', () => {
  it('hashes to a PHC string that verifies, with the default parameters', async () => {
    const hash = await hashPassword('s3cret-Passw0rd');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(await verifyPassword('s3cret-Passw0rd', hash)).toBe(true);
    expect(await verifyPassword('s3cret-passw0rd', hash)).toBe(false);
  });

  it('verifies hashes made by the reference C implementation, up to 64 MiB', async () => {
    expect(await verifyPassword('correct horse', REFERENCE_64MIB)).toBe(true);
    expect(await verifyPassword('correct horse', REFERENCE_32MIB)).toBe(true);
    expect(await verifyPassword('correct horsf', REFERENCE_32MIB)).toBe(false);
  });

  it('refuses hashes that cost more than 64 MiB, and anything that is not argon2id', async () => {
    const expensive = REFERENCE_64MIB.replace('m=65536', 'm=131072');
    expect(await verifyPassword('correct horse', expensive)).toBe(false);
    expect(await verifyPassword('correct horse', REFERENCE_32MIB.replace('argon2id', 'argon2i'))).toBe(false);
    expect(await verifyPassword('x', 'not a hash')).toBe(false);
    expect(parseArgon2idHash(REFERENCE_32MIB)).toEqual({ memorySize: 32768, iterations: 1, parallelism: 1 });
  });

  it('generates strong passwords with every character class and no look-alikes', () => {
    const passwords = new Set(Array.from({ length: 50 }, () => generatePassword()));
    expect(passwords.size).toBe(50);
    for (const password of passwords) {
      expect(password).toHaveLength(20);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[2-9]/);
      expect(password).not.toMatch(/[0O1lI,]/);
    }
  });

  it('compares plaintext in constant time and exactly', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('refuses hashes whose non-canonical base64 no argon2 library writes', async () => {
    expect(await verifyPassword('correct horse', REFERENCE_32MIB.replace(/g$/, 'h'))).toBe(false);
    expect(classifyArgon2idHash(`${REFERENCE_32MIB}AA`)).toBe('malformed');
  });
});

describe('argon2id cost bounds', () => {
  const withParams = (m: number, t: number, p: number) => REFERENCE_32MIB.replace('m=32768,t=1,p=1', `m=${m},t=${t},p=${p}`);

  it('accepts up to 64 MiB and memory x passes up to 64 MiB x 3', () => {
    expect(ARGON2_BOUNDS).toMatchObject({ maxMemoryKiB: 65_536, maxCostKiBPasses: 196_608 });
    expect(classifyArgon2idHash(withParams(65_536, 3, 4))).toBe('ok');
    expect(classifyArgon2idHash(withParams(32_768, 6, 1))).toBe('ok');
    expect(classifyArgon2idHash(withParams(19_456, 10, 1))).toBe('ok');
  });

  it.each([
    ['more than 64 MiB', 65_537, 1, 1],
    ['64 MiB with 4 passes', 65_536, 4, 1],
    ['64 MiB with 16 passes (7-10 s on the old path)', 65_536, 16, 1],
    ['32 MiB with 7 passes', 32_768, 7, 1],
    ['more than 16 passes', 1024, 17, 1],
    ['more than 16 lanes', 4096, 1, 17],
  ])('refuses %s without computing it', async (_name, m, t, p) => {
    const hash = withParams(m, t, p);
    expect(classifyArgon2idHash(hash)).toBe('too-costly');
    expect(await verifyPassword('correct horse', hash)).toBe(false);
  });

  it('keeps the hashing defaults inside the bounds', async () => {
    expect(classifyArgon2idHash(await hashPassword('default-cost-1'))).toBe('ok');
  });
});

// Node 24's crypto.argon2 where the runtime has it (the Lambda on nodejs24.x), hash-wasm everywhere.
const backends: Argon2Backend[] = argon2Backend === 'node:crypto' ? ['node:crypto', 'hash-wasm'] : ['hash-wasm'];

describe.each(backends)('the %s backend', (backend) => {
  it('computes the reference C implementation’s bytes', async () => {
    expect(await verifyPassword('correct horse', REFERENCE_32MIB, backend)).toBe(true);
    expect(await verifyPassword('correct horsf', REFERENCE_32MIB, backend)).toBe(false);
    const tag = await deriveArgon2id(
      { password: 'correct horse', salt: Buffer.from('anothersalt123'), memorySize: 32_768, iterations: 1, parallelism: 1, hashLength: 32 },
      backend,
    );
    expect(tag.toString('base64').replace(/=+$/, '')).toBe(REFERENCE_32MIB.split('$').at(-1));
  });

  it('writes hashes every backend verifies', async () => {
    const hash = await hashPassword('cross-check-1', { memorySize: 1024, iterations: 1 }, backend);
    for (const other of backends) expect(await verifyPassword('cross-check-1', hash, other)).toBe(true);
  });
});
