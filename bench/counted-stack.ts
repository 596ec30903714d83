// What the console benches share: a throwaway local stack with the console's AWS clients pointed at
// it and every AWS call they send counted, and the bench user's stored secret and form.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { InitializeMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { configureAwsClients } from '../lib/aws/clients';
import type { UserFormInput } from '../lib/console/user-form';
import { secretName } from '../lib/secret/contract';
import { startLocalStack, type LocalStack } from '../local/server';

export const BENCH_ROLE = 'arn:aws:iam::000000000000:role/transfer-efs-user';
export const BENCH_PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0YmVuY2g$YmVuY2hoYXNoYmVuY2hoYXNoYmVuY2hoYXNoYmVuY2g';

export type CountedStack = { stack: LocalStack; clients: ReturnType<typeof configureAwsClients>; aws: { count: number }; close: () => Promise<void> };

export async function startCountedStack(name: string, seed: boolean): Promise<CountedStack> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `bench-${name}-`));
  const stack = await startLocalStack({ port: 0, dataDir, seed });
  const aws = { count: 0 };
  const clients = configureAwsClients({ endpoint: stack.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'b', secretAccessKey: 'b' } });
  const counter: InitializeMiddleware<object, MetadataBearer> = (next) => (args) => {
    aws.count++;
    return next(args);
  };
  for (const client of Object.values(clients)) {
    (client.middlewareStack as MiddlewareStack<object, MetadataBearer>).add(counter, { step: 'initialize', name: 'countCalls' });
  }
  return {
    stack,
    clients,
    aws,
    close: async () => {
      await stack.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A keys-only user of the demo EFS server, as the Create user form submits it. */
export function benchUserForm(username: string, uid: number): UserFormInput {
  return {
    username,
    password: { mode: 'none', storage: 'hash' },
    protocolPasswords: {},
    publicKeys: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl bench',
    role: BENCH_ROLE,
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

/** Stores users `user<from>` … `user<to - 1>` of `serverId` straight to Secrets Manager, 50 at a time. */
export async function seedUsers(clients: CountedStack['clients'], serverId: string, from: number, to: number, secretString: string): Promise<void> {
  for (let created = from; created < to;) {
    const batch = Array.from({ length: Math.min(50, to - created) }, (_, i) => created + i);
    await Promise.all(
      batch.map((n) =>
        clients.secretsManager.send(
          new CreateSecretCommand({ Name: secretName(serverId, `user${String(n).padStart(5, '0')}`), SecretString: secretString }),
        ),
      ),
    );
    created += batch.length;
  }
}
