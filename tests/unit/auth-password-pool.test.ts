import { afterAll, describe, expect, it } from 'vitest';
import { PasswordPool, PoolBusyError } from '@/lib/auth/password-pool';
import { hashPassword } from '@/lib/secret/password';

const pool = new PasswordPool({ size: 2, maxQueue: 2 });
afterAll(() => pool.close());

describe('argon2 verification in worker threads', () => {
  it('verifies right and wrong passwords off the request thread', async () => {
    const hash = await hashPassword('Right-password-1');
    expect(await pool.verify('Right-password-1', hash)).toBe(true);
    expect(await pool.verify('wrong', hash)).toBe(false);
  });

  it('refuses hashes costlier than the cap without running them', async () => {
    expect(await pool.verify('x', '$argon2id$v=19$m=1048576,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1qE7CZ0K0N0z1m3Hj0s3oFQJv3tYbQfQe2vJrj5y3ZI')).toBe(false);
    expect(await pool.verify('x', 'not a hash')).toBe(false);
  });

  it('bounds the queue', async () => {
    const hash = await hashPassword('Right-password-1');
    const guesses = Array.from({ length: 4 }, () => pool.verify('wrong', hash));
    // Two run, two wait: the fifth is refused at once instead of piling up.
    await expect(pool.verify('wrong', hash)).rejects.toBeInstanceOf(PoolBusyError);
    expect(await Promise.all(guesses)).toEqual([false, false, false, false]);
  });
});

describe('one source cannot fill the queue', () => {
  const fair = new PasswordPool({ size: 1, maxQueue: 50, maxPerSource: 2 });
  afterAll(() => fair.close());

  it('refuses a third concurrent check from one source while another source still gets in', async () => {
    const hash = await hashPassword('Right-password-1');
    const guesses = [fair.verify('wrong', hash, '192.0.2.1'), fair.verify('wrong', hash, '192.0.2.1')];
    await expect(fair.verify('wrong', hash, '192.0.2.1')).rejects.toBeInstanceOf(PoolBusyError);
    const other = fair.verify('Right-password-1', hash, '198.51.100.9');
    expect(await Promise.all(guesses)).toEqual([false, false]);
    expect(await other).toBe(true);
    // Finished checks free the source's share again.
    expect(await fair.verify('wrong', hash, '192.0.2.1')).toBe(false);
  });
});
