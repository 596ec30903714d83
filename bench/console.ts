// The users page, the live preview and a create at scale: server time and AWS calls at 100, 1,000 and
// 10,000 users on one server (issue 11 §2: a preview at most 2 calls, a create at most 5), with the
// user index built once per size (its build is timed apart).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { InitializeMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { configureAwsClients } from '../lib/aws/clients';
import type { Actor } from '../lib/auth/roles';
import { builtUserIndex, resetUserIndexes } from '../lib/console/user-index';
import type { UserFormInput } from '../lib/console/user-form';
import { createUser, listUsers, previewUser, uidUsage } from '../lib/console/users/index';
import { secretName, serializeUserSecret } from '../lib/secret/contract';
import { startLocalStack } from '../local/server';
import { ms, percentile, timeMany } from './stats';

const SERVER = 's-1a2b3c4d5e6f70819';
const SIZES = [100, 1_000, 10_000];
const admin: Actor = { username: 'bench', name: 'Bench', role: 'admin' };

function newUser(username: string, uid: number): UserFormInput {
  return {
    username,
    password: { mode: 'none', storage: 'hash' },
    protocolPasswords: {},
    publicKeys: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl bench',
    role: 'arn:aws:iam::000000000000:role/transfer-efs-user',
    uid: String(uid),
    gid: String(uid),
    secondaryGids: '',
    homeMode: 'root',
    rootLocation: 'fs-0123456789abcdef0',
    rootPath: '/home/${transfer:UserName}',
    mappings: [],
    acceptedIpNetwork: '',
    expiresAt: '',
    policy: '',
    disabled: false,
  };
}

export async function runConsoleBench(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-console-'));
  const stack = await startLocalStack({ port: 0, dataDir, seed: true });
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
          batch.map((n) =>
            clients.secretsManager.send(
              new CreateSecretCommand({ Name: secretName(SERVER, `user${String(n).padStart(5, '0')}`), SecretString: secretString }),
            ),
          ),
        );
        created += batch.length;
      }
      const seedSeconds = (performance.now() - seedStarted) / 1000;
      resetUserIndexes();
      calls = 0;
      const buildStarted = performance.now();
      await builtUserIndex(SERVER);
      console.log(
        `${String(size).padStart(6)} users: user index built in ${ms(performance.now() - buildStarted)} with ${calls} AWS calls (once per lifetime, in the background)`,
      );
      const next = (await uidUsage(SERVER)).nextUid;
      const form = newUser(`bench-new-${size}`, next);
      calls = 0;
      await previewUser(SERVER, { ...form, uid: '3000' });
      const previewCalls = calls;
      const previews = await timeMany(20, () => previewUser(SERVER, { ...form, uid: '3000' }));
      calls = 0;
      const createStarted = performance.now();
      await createUser(SERVER, form, admin, { suggestedUid: String(next) });
      const firstCreateCalls = calls;
      const createTime = performance.now() - createStarted;
      calls = 0;
      const secondStarted = performance.now();
      await createUser(SERVER, newUser(`bench-new-${size}-2`, next + 1), admin, { suggestedUid: String(next + 1) });
      console.log(`${String(size).padStart(6)} users: another create ${ms(performance.now() - secondStarted)}, ${calls} AWS calls (steady state)`);
      console.log(
        `${String(size).padStart(6)} users: preview p50 ${ms(percentile(previews, 50))}, ${previewCalls} AWS calls; first create ${ms(createTime)}, ${firstCreateCalls} AWS calls`,
      );
      calls = 0;
      await listUsers(SERVER);
      const firstPageCalls = calls;
      const times = await timeMany(20, () => listUsers(SERVER));
      calls = 0;
      await listUsers(SERVER, { search: 'user004' });
      const searchCalls = calls;
      const search = await timeMany(20, () => listUsers(SERVER, { search: 'user004' }));
      console.log(
        `${String(size).padStart(6)} users: first page p50 ${ms(percentile(times, 50))}, ${firstPageCalls} AWS calls; ` +
          `search p50 ${ms(percentile(search, 50))}, ${searchCalls} AWS calls (seeding took ${seedSeconds.toFixed(1)} s)`,
      );
    }
  } finally {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
