// Loads local/demo-data.yaml into an empty store: servers, file systems, roles and user secrets
// (written through the same contract the console uses).
import { randomUUID } from 'node:crypto';
import { chownSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { secretName, serializeUserSecret, makeUserSecretInputSchema, type StorageDomain } from '../lib/secret/contract';
import { hashPassword } from '../lib/secret/password';
import { secretsManagerOperations } from './services/secrets-manager';
import type { ServiceContext } from './services/types';
import type { ServerRecord, Store } from './store';

type DemoData = {
  region?: string;
  servers: (Omit<ServerRecord, 'Arn' | 'Tags' | 'UserCount'> & { Name?: string; UserCount?: number })[];
  fileSystems: {
    FileSystemId: string;
    Name: string;
    AvailabilityZoneName?: string;
    AvailabilityZoneId?: string;
    Encrypted: boolean;
    KmsKeyId?: string;
    PerformanceMode: string;
    ThroughputMode: string;
    NumberOfMountTargets: number;
    accessPoints?: {
      AccessPointId: string;
      Name: string;
      PosixUser?: { Uid: number; Gid: number };
      RootDirectory: { Path: string; CreationInfo?: { OwnerUid: number; OwnerGid: number; Permissions: string } };
    }[];
  }[];
  roles: { RoleName: string; Description?: string; trusts: string }[];
  users: { serverId: string; username: string; password?: string; secret: Record<string, unknown> }[];
};

export const DEMO_DATA_FILE = path.join(import.meta.dirname, 'demo-data.yaml');

export async function seedDemoData(store: Store, ctx: ServiceContext, file = DEMO_DATA_FILE): Promise<void> {
  const demo = parse(readFileSync(file, 'utf8')) as DemoData;
  const state = store.state;
  state.region = demo.region ?? state.region;
  store.markAllChanged();
  const regional: ServiceContext = { ...ctx, region: state.region };
  const created = Math.floor(Date.now() / 1000);
  state.servers = demo.servers.map(({ Name, UserCount, ...server }) => ({
    ...server,
    Arn: `arn:aws:transfer:${state.region}:${state.accountId}:server/${server.ServerId}`,
    UserCount: UserCount ?? 0,
    Tags: Name ? [{ Key: 'Name', Value: Name }] : [],
  }));
  state.fileSystems = demo.fileSystems.map(({ accessPoints: _accessPoints, ...fs }) => ({
    ...fs,
    CreationTime: created,
    LifeCycleState: 'available',
    SizeInBytes: 6144,
    Tags: [{ Key: 'Name', Value: fs.Name }],
  }));
  state.accessPoints = demo.fileSystems.flatMap((fs) =>
    (fs.accessPoints ?? []).map((ap) => ({
      ...ap,
      FileSystemId: fs.FileSystemId,
      LifeCycleState: 'available',
      Tags: [{ Key: 'Name', Value: ap.Name }],
    })),
  );
  state.roles = demo.roles.map((role, index) => ({
    RoleName: role.RoleName,
    RoleId: `AROA${String(index + 1).padStart(17, '0')}`,
    Path: '/',
    CreateDate: new Date(created * 1000).toISOString(),
    ...(role.Description ? { Description: role.Description } : {}),
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: role.trusts }, Action: 'sts:AssumeRole' }],
    }),
    MaxSessionDuration: 3600,
  }));

  for (const user of demo.users) {
    const server = state.servers.find((s) => s.ServerId === user.serverId);
    const domain: StorageDomain = server?.Domain ?? 'EFS';
    const input = makeUserSecretInputSchema(domain).parse({
      ...user.secret,
      ...(user.password ? { PasswordHash: await hashPassword(user.password) } : {}),
    });
    secretsManagerOperations.CreateSecret!.handler(
      { Name: secretName(user.serverId, user.username), SecretString: serializeUserSecret(input), ClientRequestToken: randomUUID() },
      regional,
    );
    // The demo's home directories exist on the local EFS, as an admin would have created them.
    for (const target of [input.HomeDirectory, ...(input.HomeDirectoryDetails ?? []).map((m) => m.Target)]) {
      if (!target) continue;
      const folder = path.join(store.dataDir, 'efs', ...target.replaceAll('${transfer:UserName}', user.username).split('/').filter(Boolean));
      mkdirSync(folder, { recursive: true, mode: 0o755 });
      if (input.PosixProfile && process.getuid?.() === 0) chownSync(folder, input.PosixProfile.Uid, input.PosixProfile.Gid);
    }
  }
  await store.commit();
}
