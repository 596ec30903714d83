// Lambda figures: warm login latency against the local Secrets Manager next to a raw
// GetSecretValue (the floor), argon2id verify time, the bundle's cold import time and zip size.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createHandler } from '../lambda/handler';
import { buildLambda, bundlePath } from '../lambda/build';
import { startLocalStack } from '../local/server';
import { ARGON2_DEFAULTS, hashPassword, verifyPassword } from '../lib/secret/password';
import { ms, percentile, timeMany } from './stats';

const SERVER = 's-1a2b3c4d5e6f70819';

export async function runLambdaBench(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-lambda-'));
  const stack = await startLocalStack({ port: 0, dataDir, seed: false });
  try {
    const client = new SecretsManagerClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'b', secretAccessKey: 'b' } });
    const secret = { Password: 'bench-Password-1', Role: 'arn:aws:iam::000000000000:role/bench', HomeDirectory: '/fs-0123456789abcdef0/bench', PosixProfile: '{"Uid": 1001, "Gid": 1001}' };
    await client.send(new CreateSecretCommand({ Name: `aws/transfer/${SERVER}/bench`, SecretString: JSON.stringify(secret) }));
    const handler = createHandler({ client, log: () => undefined });
    const event = { username: 'bench', password: secret.Password, protocol: 'SFTP', serverId: SERVER, sourceIp: '127.0.0.1' };
    const warmup = 200;
    const runs = 2000;
    await timeMany(warmup, () => handler(event));
    await timeMany(warmup, () => client.send(new GetSecretValueCommand({ SecretId: `aws/transfer/${SERVER}/bench` })));
    // Interleaved so both see the same machine load.
    const login: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < runs; i++) {
      login.push(...(await timeMany(1, () => handler(event))));
      floor.push(...(await timeMany(1, () => client.send(new GetSecretValueCommand({ SecretId: `aws/transfer/${SERVER}/bench` })))));
    }
    console.log(`plaintext login, warm (${runs} runs): p50 ${ms(percentile(login, 50))}, p99 ${ms(percentile(login, 99))}`);
    console.log(`raw GetSecretValue (floor):        p50 ${ms(percentile(floor, 50))}, p99 ${ms(percentile(floor, 99))}`);
    console.log(`login above the floor: p50 ${ms(percentile(login, 50) - percentile(floor, 50))} (goal ≤ 1 ms)`);

    const hash = await hashPassword('bench-Password-1');
    const verify = await timeMany(20, () => verifyPassword('bench-Password-1', hash));
    console.log(`argon2id verify at m=${ARGON2_DEFAULTS.memorySize} KiB, t=${ARGON2_DEFAULTS.iterations}, p=${ARGON2_DEFAULTS.parallelism}: p50 ${ms(percentile(verify, 50))}`);
    const heavy = await hashPassword('bench-Password-1', { memorySize: 65_536, iterations: 3, parallelism: 4 });
    const verifyHeavy = await timeMany(5, () => verifyPassword('bench-Password-1', heavy));
    console.log(`argon2id verify at m=65536 KiB, t=3, p=4 (argon2-cffi defaults): p50 ${ms(percentile(verifyHeavy, 50))}`);

    const { bundleBytes, zipBytes } = await buildLambda();
    const imports: number[] = [];
    for (let i = 0; i < 7; i++) {
      const out = execFileSync(
        process.execPath,
        ['--no-warnings', '--input-type=module', '-e', `const t=performance.now();await import(${JSON.stringify(bundlePath)});console.log(performance.now()-t)`],
        { encoding: 'utf8' },
      );
      imports.push(Number(out.trim()));
    }
    console.log(`bundle cold import (fresh node, 7 runs): p50 ${ms(percentile(imports, 50))} (goal < 150 ms)`);
    console.log(`bundle ${(bundleBytes / 1024).toFixed(0)} KiB, function.zip ${(zipBytes / 1024).toFixed(0)} KiB (goal < 1024 KiB)`);
  } finally {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
