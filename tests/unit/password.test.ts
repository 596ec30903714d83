import { describe, expect, it } from 'vitest';
import { constantTimeEqual, generatePassword, hashPassword, parseArgon2idHash, verifyPassword } from '@/lib/secret/password';

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
});
