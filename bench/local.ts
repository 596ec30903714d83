// `npm run bench -- local`: the local stack's write rate (PutSecretValue through the SDK, 8 writers)
// with 1,000 and 10,000 secrets stored, and the size of what one write puts on disk.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startLocalStack } from '../local/server';
import { secretsManagerOperations } from '../local/services/secrets-manager';

const WRITERS = 8;
const WRITES = 400;

async function writeRate(secretCount: number): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-local-'));
  const stack = await startLocalStack({ port: 0, dataDir, seed: false });
  try {
    const ctx = { store: stack.store, region: 'us-east-1', endpoint: stack.endpoint };
    const value = JSON.stringify({
      Role: 'arn:aws:iam::000000000000:role/r',
      HomeDirectory: '/fs-1/home/x',
      PasswordHash: '$argon2id$v=19$m=19456,t=2,p=1$' + 'x'.repeat(60),
    });
    for (let i = 0; i < secretCount; i++) {
      secretsManagerOperations.CreateSecret!.handler({ Name: `aws/transfer/s-00000000000000001/user${i}`, SecretString: value }, ctx);
    }
    await stack.store.commit();
    const sm = new SecretsManagerClient({
      endpoint: stack.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
    const journal = path.join(dataDir, 'state.journal');
    const journalBytes = () => (existsSync(journal) ? statSync(journal).size : 0);
    const before = journalBytes();
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (next < WRITES) {
          const i = next++;
          await sm.send(
            new PutSecretValueCommand({ SecretId: `aws/transfer/s-00000000000000001/user${i % secretCount}`, SecretString: `${value}${i}` }),
          );
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const grown = journalBytes() - before;
    const perWrite = grown > 0 ? `, ${(grown / WRITES).toFixed(0)} journal bytes per write` : '';
    console.log(`${secretCount} secrets: ${(WRITES / seconds).toFixed(0)} writes/s (${WRITES} PutSecretValue, ${WRITERS} writers${perWrite})`);
    sm.destroy();
  } finally {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runLocalBench(): Promise<void> {
  for (const count of [1_000, 10_000]) await writeRate(count);
}
