// Lambda figures: warm login latency against the local Secrets Manager next to a raw
// GetSecretValue (the floor), argon2id verify time, the bundle's cold start (import, and import plus
// the first login) beside the SDK-based designs it replaces, and its zip size.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createHandler, createSecretsManagerClient } from '../lambda/handler';
import { startLocalStack } from '../local/server';
import { lambdaRuntimeNode } from '../scripts/lambda-runtime';
import { ARGON2_DEFAULTS, argon2Backend, hashPassword, verifyPassword, type Argon2Parameters } from '../lib/secret/password';
import { coldStartComparison } from './lambda-cold-start';
import { ms, percentile, timeMany } from './stats';

const SERVER = 's-1a2b3c4d5e6f70819';

/** p50 of `runs` argon2id computations by Node's crypto.argon2 in a Node 24 process (after one warm-up). */
function nativeInNode24(node: string, params: Argon2Parameters, runs: number): number {
  const script = `
    const { argon2 } = await import('node:crypto');
    const run = () => new Promise((ok, ko) => argon2('argon2id', { message: 'bench-Password-1', nonce: Buffer.alloc(16, 7), parallelism: ${params.parallelism}, tagLength: 32, memory: ${params.memorySize}, passes: ${params.iterations} }, (e) => (e ? ko(e) : ok())));
    await run();
    const times = [];
    for (let i = 0; i < ${runs}; i++) { const t = performance.now(); await run(); times.push(performance.now() - t); }
    times.sort((a, b) => a - b);
    console.log(times[Math.floor((times.length - 1) / 2)]);`;
  return Number(execFileSync(node, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim());
}

/** p50 of `runs` runs of Debian's `argon2` CLI (the reference C implementation), or null when it is not installed. */
function referenceCli(params: Argon2Parameters, runs: number): { p50: number; spawn: number } | null {
  const time = (t: number, m: number, p: number) => {
    const started = performance.now();
    const result = spawnSync('argon2', ['somesaltvalue16', '-id', '-t', String(t), '-k', String(m), '-p', String(p), '-r'], {
      input: 'bench-Password-1',
    });
    if (result.error || result.status !== 0) return null;
    return performance.now() - started;
  };
  if (time(1, 8, 1) === null) return null;
  const spawn = percentile(
    Array.from({ length: 5 }, () => time(1, 8, 1)!),
    50,
  );
  const runsMs: number[] = [];
  for (let i = 0; i < runs; i++) runsMs.push(time(params.iterations, params.memorySize, params.parallelism)!);
  return { p50: percentile(runsMs, 50), spawn };
}

async function argon2Comparison(params: Argon2Parameters, runs: number): Promise<void> {
  const label = `m=${params.memorySize} KiB, t=${params.iterations}, p=${params.parallelism}`;
  const hash = await hashPassword('bench-Password-1', params, 'hash-wasm');
  const wasm = percentile(await timeMany(runs, () => verifyPassword('bench-Password-1', hash, 'hash-wasm')), 50);
  let native: number | null = null;
  if (argon2Backend === 'node:crypto') {
    await verifyPassword('bench-Password-1', hash, 'node:crypto');
    native = percentile(await timeMany(runs, () => verifyPassword('bench-Password-1', hash, 'node:crypto')), 50);
  } else {
    const node24 = lambdaRuntimeNode();
    native = node24 ? nativeInNode24(node24, params, runs) : null;
  }
  const cli = referenceCli(params, runs);
  const reference = cli ? cli.p50 - cli.spawn : null;
  const ratio = (x: number | null) => (x !== null && reference ? ` (${(x / reference).toFixed(2)}x the C reference)` : '');
  console.log(`argon2id verify at ${label}, p50 of ${runs}:`);
  console.log(`  node:crypto (Node 24, the Lambda's path): ${native === null ? 'skipped (no Node 24 here)' : ms(native)}${ratio(native)}`);
  console.log(`  hash-wasm (fallback, the console on Node 20): ${ms(wasm)}${ratio(wasm)}`);
  console.log(
    cli
      ? `  argon2 CLI (reference C): ${ms(cli.p50)} per run, ${ms(reference!)} after its ${ms(cli.spawn)} process start (goal: node:crypto within 1.5x)`
      : '  argon2 CLI (reference C): skipped (install Debian package argon2 to compare)',
  );
}

export async function runLambdaBench(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-lambda-'));
  const stack = await startLocalStack({ port: 0, dataDir, seed: false });
  try {
    const client = new SecretsManagerClient({
      endpoint: stack.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
    });
    const secret = {
      Password: 'bench-Password-1',
      Role: 'arn:aws:iam::000000000000:role/bench',
      HomeDirectory: '/fs-0123456789abcdef0/bench',
      PosixProfile: '{"Uid": 1001, "Gid": 1001}',
    };
    await client.send(new CreateSecretCommand({ Name: `aws/transfer/${SERVER}/bench`, SecretString: JSON.stringify(secret) }));
    const lambdaClient = createSecretsManagerClient({
      endpoint: stack.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
    });
    const handler = createHandler({ client: lambdaClient, log: () => undefined });
    const event = { username: 'bench', password: secret.Password, protocol: 'SFTP', serverId: SERVER, sourceIp: '127.0.0.1' };
    const warmup = 200;
    const runs = 2000;
    await timeMany(warmup, () => handler(event));
    await timeMany(warmup, () => lambdaClient.getSecretValue({ SecretId: `aws/transfer/${SERVER}/bench` }));
    // Interleaved so both see the same machine load.
    const login: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < runs; i++) {
      login.push(...(await timeMany(1, () => handler(event))));
      floor.push(...(await timeMany(1, () => lambdaClient.getSecretValue({ SecretId: `aws/transfer/${SERVER}/bench` }))));
    }
    console.log(`plaintext login, warm (${runs} runs): p50 ${ms(percentile(login, 50))}, p99 ${ms(percentile(login, 99))}`);
    console.log(`raw GetSecretValue (floor):        p50 ${ms(percentile(floor, 50))}, p99 ${ms(percentile(floor, 99))}`);
    console.log(`login above the floor: p50 ${ms(percentile(login, 50) - percentile(floor, 50))} (goal ≤ 1 ms)`);

    await argon2Comparison(
      { memorySize: ARGON2_DEFAULTS.memorySize, iterations: ARGON2_DEFAULTS.iterations, parallelism: ARGON2_DEFAULTS.parallelism },
      20,
    );
    await argon2Comparison({ memorySize: 65_536, iterations: 3, parallelism: 4 }, 5);

    await coldStartComparison(stack.endpoint, event, 9);
  } finally {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
