import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './local-stack-fixture';

let stack: TestStack;
let sm: SecretsManagerClient;
let counter = 0;
const unique = (base: string) => `${base}-${++counter}`;
const token = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

async function expectError(promise: Promise<unknown>, name: string, message?: string | RegExp) {
  const error = await promise.then(
    () => null,
    (err: unknown) => err as Error & { $metadata?: { httpStatusCode?: number } },
  );
  expect(error, `expected ${name}`).not.toBeNull();
  expect(error!.name).toBe(name);
  if (message) expect(error!.message).toMatch(message);
  return error!;
}

beforeAll(async () => {
  stack = await startTestStack();
  sm = new SecretsManagerClient({ ...stack.clientConfig, maxAttempts: 1 });
});
afterAll(() => stack.dispose());

describe('CreateSecret', () => {
  it('creates a secret with an ARN carrying a 6-character suffix and an AWSCURRENT version', async () => {
    const name = unique('aws/transfer/s-1a2b3c4d5e6f70819/alice');
    const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: '{"a":1}' }));
    expect(created.ARN).toMatch(new RegExp(`^arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-[A-Za-z0-9]{6}$`));
    const value = await sm.send(new GetSecretValueCommand({ SecretId: created.ARN }));
    expect(value).toMatchObject({ Name: name, SecretString: '{"a":1}', VersionId: created.VersionId, VersionStages: ['AWSCURRENT'] });
    expect(value.CreatedDate).toBeInstanceOf(Date);
  });

  it('is idempotent on ClientRequestToken, and refuses a changed value under the same token', async () => {
    const name = unique('idem');
    const first = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v1', ClientRequestToken: token(1) }));
    const again = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v1', ClientRequestToken: token(1) }));
    expect(again.ARN).toBe(first.ARN);
    await expectError(sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v2', ClientRequestToken: token(1) })), 'ResourceExistsException');
    await expectError(sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' })), 'ResourceExistsException', /already exists/);
  });

  it('validates names and values', async () => {
    await expectError(sm.send(new CreateSecretCommand({ Name: 'bad name!', SecretString: 'x' })), 'ValidationException');
    await expectError(sm.send(new CreateSecretCommand({ Name: unique('big'), SecretString: 'x'.repeat(65_537) })), 'InvalidParameterException');
    await expectError(
      sm.send(new CreateSecretCommand({ Name: unique('both'), SecretString: 'x', SecretBinary: Buffer.from('y') })),
      'InvalidParameterException',
    );
  });
});

describe('versions and stages', () => {
  it('moves AWSCURRENT to the new version and AWSPREVIOUS to the old one', async () => {
    const name = unique('stages');
    const v1 = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'one' }));
    const v2 = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'two' }));
    const v3 = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'three' }));
    const described = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.VersionIdsToStages).toEqual({ [v2.VersionId!]: ['AWSPREVIOUS'], [v3.VersionId!]: ['AWSCURRENT'] });
    expect((await sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }))).SecretString).toBe('two');
    expect((await sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: v1.VersionId }))).SecretString).toBe('one');
    const listed = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
    expect(listed.Versions?.map((v) => v.VersionId)).toEqual([v3.VersionId, v2.VersionId, v1.VersionId]);
    await expectError(
      sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'NOPE' })),
      'ResourceNotFoundException',
      /staging label: NOPE/,
    );
  });

  it('puts a version under a custom stage without touching AWSCURRENT', async () => {
    const name = unique('pending');
    const v1 = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'one' }));
    const pending = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'two', VersionStages: ['TD-PENDING'] }));
    expect(pending.VersionStages).toEqual(['TD-PENDING']);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: name }))).VersionId).toBe(v1.VersionId);
  });

  it('UpdateSecretVersionStage is a compare-and-swap on RemoveFromVersionId', async () => {
    const name = unique('cas');
    const v1 = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'one' }));
    const a = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'a', VersionStages: ['PENDING-A'] }));
    const b = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'b', VersionStages: ['PENDING-B'] }));
    await sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: a.VersionId,
        RemoveFromVersionId: v1.VersionId,
      }),
    );
    await expectError(
      sm.send(
        new UpdateSecretVersionStageCommand({
          SecretId: name,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: b.VersionId,
          RemoveFromVersionId: v1.VersionId,
        }),
      ),
      'InvalidParameterException',
    );
    const current = await sm.send(new GetSecretValueCommand({ SecretId: name }));
    expect(current.SecretString).toBe('a');
    expect((await sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }))).VersionId).toBe(v1.VersionId);
  });

  it('PutSecretValue is idempotent on its token and refuses a changed value', async () => {
    const name = unique('put-idem');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'one' }));
    const first = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'two', ClientRequestToken: token(7) }));
    const again = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'two', ClientRequestToken: token(7) }));
    expect(again.VersionId).toBe(first.VersionId);
    await expectError(
      sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'three', ClientRequestToken: token(7) })),
      'ResourceExistsException',
    );
  });

  it('UpdateSecret changes the description and, with a value, adds a current version', async () => {
    const name = unique('update');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'one' }));
    await sm.send(new UpdateSecretCommand({ SecretId: name, Description: 'changed', SecretString: 'two' }));
    expect((await sm.send(new DescribeSecretCommand({ SecretId: name }))).Description).toBe('changed');
    expect((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('two');
  });
});

describe('listing', () => {
  const prefix = 'aws/transfer/s-00000000000000001/';
  beforeAll(async () => {
    for (const user of ['amy', 'andy', 'bert', 'Anna']) {
      await sm.send(
        new CreateSecretCommand({ Name: `${prefix}${user}`, SecretString: '{}', Tags: [{ Key: 'team', Value: user === 'bert' ? 'ops' : 'dev' }] }),
      );
    }
  });

  it('filters by case-sensitive name prefix', async () => {
    const listed = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [`${prefix}a`] }] }));
    expect(listed.SecretList?.map((s) => s.Name)).toEqual([`${prefix}amy`, `${prefix}andy`]);
  });

  it('negates with !, and ANDs filters together', async () => {
    const listed = await sm.send(
      new ListSecretsCommand({
        Filters: [
          { Key: 'name', Values: [prefix] },
          { Key: 'tag-value', Values: ['!ops'] },
        ],
      }),
    );
    expect(listed.SecretList?.map((s) => s.Name).sort()).toEqual([`${prefix}Anna`, `${prefix}amy`, `${prefix}andy`]);
  });

  it('matches descriptions and `all` without regard to case, names with it', async () => {
    await sm.send(new CreateSecretCommand({ Name: unique('Desc/Secret'), SecretString: '{}', Description: 'Partner Upload account' }));
    const byDescription = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'description', Values: ['partner upload'] }] }));
    expect(byDescription.SecretList).toHaveLength(1);
    const byAll = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'all', Values: ['UPLOAD'] }] }));
    expect(byAll.SecretList).toHaveLength(1);
    const byName = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['desc/'] }] }));
    expect(byName.SecretList).toHaveLength(0);
  });

  it('pages with MaxResults and NextToken', async () => {
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [prefix] }], MaxResults: 3, NextToken }));
      expect(page.SecretList!.length).toBeLessThanOrEqual(3);
      names.push(...page.SecretList!.map((s) => s.Name!));
      NextToken = page.NextToken;
    } while (NextToken);
    expect(names).toHaveLength(4);
    await expectError(sm.send(new ListSecretsCommand({ MaxResults: 101 })), 'ValidationException');
  });

  it('BatchGetSecretValue returns values by ids with per-id errors, or by filters', async () => {
    const byIds = await sm.send(new BatchGetSecretValueCommand({ SecretIdList: [`${prefix}amy`, `${prefix}nobody`] }));
    expect(byIds.SecretValues?.map((v) => v.Name)).toEqual([`${prefix}amy`]);
    expect(byIds.Errors).toEqual([{ SecretId: `${prefix}nobody`, ErrorCode: 'ResourceNotFoundException', Message: expect.any(String) as string }]);
    const byFilter = await sm.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: [`${prefix}a`] }] }));
    expect(byFilter.SecretValues?.map((v) => v.SecretString)).toEqual(['{}', '{}']);
  });

  it('tags and untags', async () => {
    await sm.send(new TagResourceCommand({ SecretId: `${prefix}amy`, Tags: [{ Key: 'owner', Value: 'it' }] }));
    await sm.send(new UntagResourceCommand({ SecretId: `${prefix}amy`, TagKeys: ['team'] }));
    expect((await sm.send(new DescribeSecretCommand({ SecretId: `${prefix}amy` }))).Tags).toEqual([{ Key: 'owner', Value: 'it' }]);
  });
});

describe('deletion', () => {
  it('schedules deletion within 7–30 days; the secret cannot be read or its name reused until restored', async () => {
    const name = unique('doomed');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    await expectError(sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 6 })), 'InvalidParameterException', /between 7 and 30/);
    const deleted = await sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    const days = (deleted.DeletionDate!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);
    await expectError(sm.send(new GetSecretValueCommand({ SecretId: name })), 'InvalidRequestException', /marked for deletion/);
    await expectError(sm.send(new CreateSecretCommand({ Name: name, SecretString: 'y' })), 'InvalidRequestException', /scheduled for deletion/);
    expect((await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [name] }] }))).SecretList).toEqual([]);
    const planned = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [name] }], IncludePlannedDeletion: true }));
    expect(planned.SecretList?.[0]?.DeletedDate).toBeInstanceOf(Date);
    await sm.send(new RestoreSecretCommand({ SecretId: name }));
    expect((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('x');
  });

  it('deletes at once with ForceDeleteWithoutRecovery, but not together with a window', async () => {
    const name = unique('forced');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    await expectError(
      sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true, RecoveryWindowInDays: 7 })),
      'InvalidParameterException',
    );
    await sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    await expectError(sm.send(new DescribeSecretCommand({ SecretId: name })), 'ResourceNotFoundException');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'again' }));
  });

  it('answers unknown secrets with ResourceNotFoundException and HTTP 400', async () => {
    const error = await expectError(
      sm.send(new GetSecretValueCommand({ SecretId: 'missing' })),
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret.",
    );
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });
});
