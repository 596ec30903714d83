// The users page at scale: server time and AWS calls of its first page (and a search) at 100,
// 1,000 and 10,000 users on one server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { InitializeMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { configureAwsClients } from '../lib/aws/clients';
import { listUsers } from '../lib/console/users/index';
import { secretName, serializeUserSecret } from '../lib/secret/contract';
import { startLocalStack } from '../local/server';
import { ms, percentile, timeMany } from './stats';

const SERVER = 's-1a2b3c4d5e6f70819';
const SIZES = [100, 1_000, 10_000];

export async function runConsoleBench(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-console-'));
  const stack = await startLocalStack({ port: 0, dataDir, seed: false });
  try {
    const clients = configureAwsClients({ endpoint: stack.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'b', secretAccessKey: 'b' } });
    let calls = 0;
    const counter: InitializeMiddleware<object, MetadataBearer> = (next) => async (args) => {
      calls++;
      return next(args);
    };
    for (const client of Object.values(clients)) {
      (client.middlewareStack as MiddlewareStack<object, MetadataBearer>).add(counter, { step: 'initialize', name: 'countCalls' });
    }
    const secretString = serializeUserSecret({
      PasswordHash: '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0YmVuY2g$YmVuY2hoYXNoYmVuY2hoYXNoYmVuY2hoYXNoYmVuY2g',
      Role: 'arn:aws:iam::000000000000:role/transfer-efs-user',
      PosixProfile: { Uid: 3000, Gid: 3000 },
      HomeDirectoryDetails: [{ Entry: '/', Target: '/fs-0123456789abcdef0/home/${transfer:UserName}' }],
    });
    let created = 0;
    for (const size of SIZES) {
      const seedStarted = performance.now();
      while (created < size) {
        const batch = Array.from({ length: Math.min(50, size - created) }, (_, i) => created + i);
        await Promise.all(
          batch.map((n) => clients.secretsManager.send(new CreateSecretCommand({ Name: secretName(SERVER, `user${String(n).padStart(5, '0')}`), SecretString: secretString }))),
        );
        created += batch.length;
      }
      const seedSeconds = (performance.now() - seedStarted) / 1000;
      calls = 0;
      await listUsers(SERVER);
      const firstPageCalls = calls;
      const times = await timeMany(20, () => listUsers(SERVER));
      calls = 0;
      await listUsers(SERVER, { prefix: 'user004' });
      const searchCalls = calls;
      const search = await timeMany(20, () => listUsers(SERVER, { prefix: 'user004' }));
      console.log(
        `${String(size).padStart(6)} users: first page p50 ${ms(percentile(times, 50))}, ${firstPageCalls} AWS calls; ` +
          `prefix search p50 ${ms(percentile(search, 50))}, ${searchCalls} AWS calls (seeding took ${seedSeconds.toFixed(1)} s)`,
      );
    }
  } finally {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
