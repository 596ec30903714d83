// The console's native argon2id (@node-rs/argon2) and the Lambda's (lib/secret/password.ts: Node 24's
// crypto.argon2 on nodejs24.x, hash-wasm elsewhere) must read each other's hashes: the console writes
// what the Lambda verifies at every login, and the console verifies what the Lambda's code wrote.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PasswordPool } from '@/lib/auth/password-pool';
import { consoleArgon2Backend, hashUserPassword, verifyUserPassword } from '@/lib/console/argon2';
import { classifyArgon2idHash, hashPassword, verifyPassword } from '@/lib/secret/password';
import { lambdaRuntimeNode } from '@/scripts/lambda-runtime';

// Made by the reference C implementation: echo -n 'correct horse' | argon2 anothersalt123 -id -t 1 -m 15 -p 1 -e
const REFERENCE_32MIB = '$argon2id$v=19$m=32768,t=1,p=1$YW5vdGhlcnNhbHQxMjM$7nTxfd67wy02KRNtcUp4zOy0rfJCkpbbTY4il2SYV5g';
const PASSWORD_MODULE = pathToFileURL(path.resolve('lib/secret/password.ts')).href;

/**
 * Runs lib/secret/password.ts on the Lambda runtime's Node 24 (type stripping, no bundler), where its
 * backend is node:crypto: verifies `checks` and hashes `toHash`, as the Lambda would.
 */
type Node24Answer = { backend: string; verified: boolean[]; hash: string };
function onNode24(checks: { password: string; hash: string }[], toHash: string): Promise<Node24Answer> {
  const node = lambdaRuntimeNode();
  if (!node) throw new Error('The Node 24 binary is missing: run `npm install` (its postinstall fills tools/lambda-runtime).');
  // Passwords go in on stdin and the answer (a hash) comes back on a pipe of its own (fd 3): neither
  // is ever in the child's environment, its output or a log.
  const driver = `
    import { readFileSync, writeSync } from 'node:fs';
    const { argon2Backend, hashPassword, verifyPassword } = await import(process.env.PASSWORD_MODULE);
    const { checks, toHash } = JSON.parse(readFileSync(0, 'utf8'));
    const verified = [];
    for (const c of checks) verified.push(await verifyPassword(c.password, c.hash));
    writeSync(3, JSON.stringify({ backend: argon2Backend, verified, hash: await hashPassword(toHash) }));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(node, ['--no-warnings', '--input-type=module', '-e', driver], {
      env: { NODE_ENV: 'test', PATH: process.env.PATH, PASSWORD_MODULE },
      stdio: ['pipe', 'ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let answer = '';
    let stderr = '';
    child.stdio[3]!.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(answer) as Node24Answer) : reject(new Error(`Node 24 exited with ${code}\n${stderr}`)),
    );
    child.stdin!.end(JSON.stringify({ checks, toHash }));
  });
}

describe("the console's argon2id", () => {
  it('is the native package here, writing the Lambda’s PHC form with the default parameters', async () => {
    expect(await consoleArgon2Backend()).toBe('@node-rs/argon2');
    const hash = await hashUserPassword('Console-Pass-1');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(classifyArgon2idHash(hash)).toBe('ok');
    expect(await hashUserPassword('Console-Pass-1')).not.toBe(hash);
  });

  it('computes the reference C implementation’s bytes and refuses what the Lambda refuses', async () => {
    expect(await verifyUserPassword('correct horse', REFERENCE_32MIB)).toBe(true);
    expect(await verifyUserPassword('correct horsf', REFERENCE_32MIB)).toBe(false);
    // Beyond the cost bounds, and not argon2id: refused without computing, as the Lambda does.
    expect(await verifyUserPassword('correct horse', REFERENCE_32MIB.replace('m=32768,t=1', 'm=65536,t=16'))).toBe(false);
    expect(await verifyUserPassword('correct horse', REFERENCE_32MIB.replace('argon2id', 'argon2i'))).toBe(false);
  });

  it('writes hashes the Lambda’s hash-wasm path verifies, and verifies what that path writes', async () => {
    const consoleHash = await hashUserPassword('Cross-Check-1');
    expect(await verifyPassword('Cross-Check-1', consoleHash, 'hash-wasm')).toBe(true);
    expect(await verifyPassword('Cross-Check-2', consoleHash, 'hash-wasm')).toBe(false);
    const wasmHash = await hashPassword('Wasm-Written-1', {}, 'hash-wasm');
    expect(await verifyUserPassword('Wasm-Written-1', wasmHash)).toBe(true);
    expect(await verifyUserPassword('Wasm-Written-2', wasmHash)).toBe(false);
  });

  it('writes hashes the Lambda verifies on Node 24 (crypto.argon2), and verifies what the Lambda writes there', async () => {
    const consoleHash = await hashUserPassword('Node24-Check-1');
    const lambda = await onNode24(
      [
        { password: 'Node24-Check-1', hash: consoleHash },
        { password: 'Node24-Check-2', hash: consoleHash },
      ],
      'Lambda-Written-1',
    );
    expect(lambda.backend).toBe('node:crypto');
    expect(lambda.verified).toEqual([true, false]);
    expect(lambda.hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyUserPassword('Lambda-Written-1', lambda.hash)).toBe(true);
    expect(await verifyUserPassword('Lambda-Written-2', lambda.hash)).toBe(false);
  });
});

describe('console sign-in verification', () => {
  it('runs the native package in its low-priority workers and reads the Lambda’s hashes', async () => {
    const pool = new PasswordPool({ size: 1, maxQueue: 4 });
    try {
      const wasmHash = await hashPassword('Signin-Pass-1', {}, 'hash-wasm');
      expect(await pool.verify('Signin-Pass-1', wasmHash)).toBe(true);
      expect(await pool.verify('Signin-Pass-2', wasmHash)).toBe(false);
      expect(await pool.verify('correct horse', REFERENCE_32MIB)).toBe(true);
      expect(pool.backend).toBe('@node-rs/argon2');
    } finally {
      await pool.close();
    }
  });
});

describe('without the native package', () => {
  afterEach(() => {
    delete (globalThis as { __transferDeskArgon2FallbackLogged?: boolean }).__transferDeskArgon2FallbackLogged;
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it('falls back (saying so once in the log) and still writes and reads the same hashes', async () => {
    vi.stubEnv('TRANSFER_DESK_NATIVE_ARGON2', '0');
    vi.resetModules();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const fallback = await import('@/lib/console/argon2');
    expect(await fallback.consoleArgon2Backend()).toBe('hash-wasm');
    const hash = await fallback.hashUserPassword('Fallback-Pass-1');
    expect(await verifyUserPassword('Fallback-Pass-1', hash)).toBe(true);
    expect(await fallback.verifyUserPassword('Fallback-Pass-1', await hashUserPassword('Fallback-Pass-1'))).toBe(true);
    const fallbackLines = () => warn.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('argon2-native-unavailable'));
    expect(fallbackLines()).toHaveLength(1);
    expect(JSON.parse(fallbackLines()[0]!)).toMatchObject({ level: 'warn', fallback: 'hash-wasm in worker threads' });

    const { PasswordPool: FallbackPool } = await import('@/lib/auth/password-pool');
    const pool = new FallbackPool({ size: 1 });
    try {
      expect(await pool.verify('Fallback-Pass-1', hash)).toBe(true);
      expect(pool.backend).toBe('hash-wasm');
      expect(fallbackLines()).toHaveLength(1);
    } finally {
      await pool.close();
    }
  });
});
