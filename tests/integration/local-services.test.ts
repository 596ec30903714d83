import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeAccessPointsCommand, DescribeFileSystemsCommand, EFSClient } from '@aws-sdk/client-efs';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  DescribeServerCommand,
  ListServersCommand,
  ListTagsForResourceCommand,
  TestIdentityProviderCommand,
  TransferClient,
} from '@aws-sdk/client-transfer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './local-stack-fixture';

const LAMBDA_SERVER = 's-1a2b3c4d5e6f70819';
const MANAGED_SERVER = 's-0fedcba9876543210';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ seed: true });
});
afterAll(() => stack.dispose());

describe('Transfer', () => {
  it('lists and describes the demo servers', async () => {
    const transfer = new TransferClient(stack.clientConfig);
    const { Servers } = await transfer.send(new ListServersCommand({}));
    expect(Servers?.map((s) => [s.ServerId, s.IdentityProviderType, s.Domain])).toEqual([
      [LAMBDA_SERVER, 'AWS_LAMBDA', 'EFS'],
      [MANAGED_SERVER, 'SERVICE_MANAGED', 'S3'],
    ]);
    const { Server } = await transfer.send(new DescribeServerCommand({ ServerId: LAMBDA_SERVER }));
    expect(Server).toMatchObject({
      Protocols: ['SFTP', 'FTPS'],
      IdentityProviderDetails: { SftpAuthenticationMethods: 'PUBLIC_KEY_OR_PASSWORD' },
      State: 'ONLINE',
    });
    const tags = await transfer.send(new ListTagsForResourceCommand({ Arn: Server!.Arn }));
    expect(tags.Tags).toContainEqual({ Key: 'Name', Value: 'partner-uploads' });
    await expect(transfer.send(new DescribeServerCommand({ ServerId: 's-99999999999999999' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('TestIdentityProvider runs the shipped Lambda handler against the stack’s secrets', async () => {
    const transfer = new TransferClient(stack.clientConfig);
    const ok = await transfer.send(
      new TestIdentityProviderCommand({ ServerId: LAMBDA_SERVER, UserName: 'alice', UserPassword: 'Demo-Alice-2026', SourceIp: '10.1.2.3' }),
    );
    expect(ok.StatusCode).toBe(200);
    expect(JSON.parse(ok.Response!)).toEqual({
      Role: 'arn:aws:iam::000000000000:role/transfer-efs-user',
      HomeDirectory: '/fs-0123456789abcdef0/home/alice',
      PosixProfile: { Uid: 2001, Gid: 2001 },
    });
    const denied = await transfer.send(new TestIdentityProviderCommand({ ServerId: LAMBDA_SERVER, UserName: 'alice', UserPassword: 'wrong' }));
    expect(denied).toMatchObject({ StatusCode: 200, Response: '{}', Message: '' });
    const ftps = await transfer.send(
      new TestIdentityProviderCommand({ ServerId: LAMBDA_SERVER, UserName: 'carol', UserPassword: 'Demo-Carol-2026', ServerProtocol: 'FTPS' }),
    );
    expect(JSON.parse(ftps.Response!)).toMatchObject({ HomeDirectoryType: 'LOGICAL' });
    await expect(
      transfer.send(new TestIdentityProviderCommand({ ServerId: MANAGED_SERVER, UserName: 'alice', UserPassword: 'x' })),
    ).rejects.toMatchObject({
      name: 'InvalidRequestException',
    });
  });
});

describe('EFS', () => {
  it('describes file systems (One Zone included) and their access points, with paging', async () => {
    const efs = new EFSClient(stack.clientConfig);
    const first = await efs.send(new DescribeFileSystemsCommand({ MaxItems: 1 }));
    expect(first.FileSystems).toHaveLength(1);
    expect(first.FileSystems![0]).toMatchObject({
      FileSystemId: 'fs-0123456789abcdef0',
      AvailabilityZoneName: 'us-east-1a',
      Encrypted: true,
      ThroughputMode: 'elastic',
      LifeCycleState: 'available',
    });
    const second = await efs.send(new DescribeFileSystemsCommand({ MaxItems: 1, Marker: first.NextMarker }));
    expect(second.FileSystems![0]!.FileSystemId).toBe('fs-0a1b2c3d4e5f6a7b8');
    expect(second.NextMarker).toBeUndefined();
    const { AccessPoints } = await efs.send(new DescribeAccessPointsCommand({ FileSystemId: 'fs-0123456789abcdef0' }));
    expect(AccessPoints?.[0]).toMatchObject({
      AccessPointId: 'fsap-0123456789abcdef0',
      PosixUser: { Uid: 2001, Gid: 2001 },
      RootDirectory: { Path: '/home' },
    });
    await expect(efs.send(new DescribeFileSystemsCommand({ FileSystemId: 'fs-deadbeef' }))).rejects.toMatchObject({ name: 'FileSystemNotFound' });
  });
});

describe('IAM', () => {
  it('lists roles with their URL-encoded trust policies, paged', async () => {
    const iam = new IAMClient(stack.clientConfig);
    const page = await iam.send(new ListRolesCommand({ MaxItems: 2 }));
    expect(page.IsTruncated).toBe(true);
    const rest = await iam.send(new ListRolesCommand({ Marker: page.Marker }));
    const roles = [...page.Roles!, ...rest.Roles!];
    const trusting = roles.filter((r) => decodeURIComponent(r.AssumeRolePolicyDocument!).includes('transfer.amazonaws.com')).map((r) => r.RoleName);
    expect(trusting).toEqual(['transfer-efs-user', 'transfer-efs-readonly']);
    expect(roles[0]!.Arn).toBe('arn:aws:iam::000000000000:role/transfer-efs-user');
  });
});

describe('CloudWatch Logs', () => {
  it('stores events and filters them by terms and JSON patterns', async () => {
    const logs = new CloudWatchLogsClient(stack.clientConfig);
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/test/audit' }));
    await expect(logs.send(new CreateLogGroupCommand({ logGroupName: '/test/audit' }))).rejects.toMatchObject({
      name: 'ResourceAlreadyExistsException',
    });
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/test/audit', logStreamName: 'day-1' }));
    const t = Date.now();
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/test/audit',
        logStreamName: 'day-1',
        logEvents: [
          { timestamp: t, message: JSON.stringify({ action: 'user.create', actor: 'ann', username: 'bob' }) },
          { timestamp: t + 1, message: JSON.stringify({ action: 'user.delete', actor: 'ann', username: 'eve' }) },
        ],
      }),
    );
    const byTerm = await logs.send(new FilterLogEventsCommand({ logGroupName: '/test/audit', filterPattern: '"user.delete"' }));
    expect(byTerm.events?.map((e) => (JSON.parse(e.message!) as { username: string }).username)).toEqual(['eve']);
    const byJson = await logs.send(
      new FilterLogEventsCommand({ logGroupName: '/test/audit', filterPattern: '{ $.actor = "ann" && $.username = "bob" }' }),
    );
    expect(byJson.events).toHaveLength(1);
    const byTime = await logs.send(new FilterLogEventsCommand({ logGroupName: '/test/audit', startTime: t + 1 }));
    expect(byTime.events).toHaveLength(1);
    await expect(logs.send(new FilterLogEventsCommand({ logGroupName: '/missing' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('persistence and concurrency', () => {
  it('keeps every version of 50 parallel PutSecretValue calls on one secret, with one AWSCURRENT', async () => {
    const sm = new SecretsManagerClient(stack.clientConfig);
    const name = 'aws/transfer/s-1a2b3c4d5e6f70819/concurrent';
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v0' }));
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: `v${i + 1}` }))),
    );
    const { Versions } = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
    expect(Versions).toHaveLength(51);
    expect(new Set(Versions!.map((v) => v.VersionId))).toEqual(new Set([...results.map((r) => r.VersionId), Versions!.at(-1)!.VersionId]));
    expect(Versions!.filter((v) => v.VersionStages?.includes('AWSCURRENT'))).toHaveLength(1);
    expect(Versions!.filter((v) => v.VersionStages?.includes('AWSPREVIOUS'))).toHaveLength(1);
  });

  it('survives a restart with every secret and version', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'restart-'));
    try {
      const first = await startTestStack({ dataDir, seed: true });
      const sm1 = new SecretsManagerClient(first.clientConfig);
      await sm1.send(new CreateSecretCommand({ Name: 'persist/me', SecretString: 'one' }));
      await sm1.send(new PutSecretValueCommand({ SecretId: 'persist/me', SecretString: 'two' }));
      await first.dispose();
      const second = await startTestStack({ dataDir, seed: true });
      const sm2 = new SecretsManagerClient(second.clientConfig);
      expect((await sm2.send(new GetSecretValueCommand({ SecretId: 'persist/me' }))).SecretString).toBe('two');
      expect((await sm2.send(new GetSecretValueCommand({ SecretId: 'persist/me', VersionStage: 'AWSPREVIOUS' }))).SecretString).toBe('one');
      expect((await sm2.send(new GetSecretValueCommand({ SecretId: 'aws/transfer/s-1a2b3c4d5e6f70819/alice' }))).SecretString).toContain(
        'PasswordHash',
      );
      await second.dispose();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('fault injection', () => {
  it('throttles with ThrottlingException, which the SDK retries, and changes nothing on a refused call', async () => {
    const faulty = await startTestStack({ faults: 'throttle=1,ops=PutSecretValue' });
    try {
      const sm = new SecretsManagerClient({ ...faulty.clientConfig, maxAttempts: 2 });
      await sm.send(new CreateSecretCommand({ Name: 'f/one', SecretString: 'before' }));
      const error = await sm
        .send(new PutSecretValueCommand({ SecretId: 'f/one', SecretString: 'after' }))
        .catch((err: Error & { $metadata: { attempts: number } }) => err);
      expect(error).toMatchObject({ name: 'ThrottlingException', $metadata: { attempts: 2 } });
      expect((await sm.send(new GetSecretValueCommand({ SecretId: 'f/one' }))).SecretString).toBe('before');
    } finally {
      await faulty.dispose();
    }
  });

  it('injects 5xx errors', async () => {
    const faulty = await startTestStack({ faults: 'error=1' });
    try {
      const sm = new SecretsManagerClient({ ...faulty.clientConfig, maxAttempts: 1 });
      await expect(sm.send(new GetSecretValueCommand({ SecretId: 'x' }))).rejects.toMatchObject({
        name: 'InternalServiceError',
        $metadata: { httpStatusCode: 500 },
      });
    } finally {
      await faulty.dispose();
    }
  });
});
