// Issue 12: the local stack answers as AWS does where the console depends on it. Each case names
// what it follows: AWS's documentation, or recordings of AWS where the documentation is silent
// (localstack/localstack tests/aws/services/secretsmanager/test_secretsmanager.snapshot.json,
// getmoto/moto tests/test_secretsmanager/ and moto/secretsmanager/, written from AWS's answers).
import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeFileSystemsCommand, EFSClient } from '@aws-sdk/client-efs';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  ReplicateSecretToRegionsCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
  type Filter,
} from '@aws-sdk/client-secrets-manager';
import { DescribeServerCommand, ListServersCommand, TransferClient } from '@aws-sdk/client-transfer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './local-stack-fixture';

let stack: TestStack;
let sm: SecretsManagerClient;
let west: SecretsManagerClient;
let counter = 0;
const unique = (base: string) => `${base}-${++counter}`;
const token = (n: number) => `11111111-0000-4000-8000-${String(n).padStart(12, '0')}`;

type AwsFailure = Error & { $metadata?: { httpStatusCode?: number } };
async function failure(promise: Promise<unknown>): Promise<AwsFailure> {
  const result = await promise.then(
    () => null,
    (err: unknown) => err as AwsFailure,
  );
  if (!result) throw new Error('expected the call to fail');
  return result;
}

beforeAll(async () => {
  stack = await startTestStack({ seed: true });
  sm = new SecretsManagerClient({ ...stack.clientConfig, maxAttempts: 1 });
  west = new SecretsManagerClient({ ...stack.clientConfig, region: 'us-west-2', maxAttempts: 1 });
});
afterAll(() => stack.dispose());

describe('regions (AWS: every resource here but IAM roles is regional)', () => {
  it('keeps secrets per region: the name is free elsewhere, the ARN carries the region', async () => {
    const name = unique('regional/secret');
    const east = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'east' }));
    expect(east.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:/);
    expect((await failure(west.send(new GetSecretValueCommand({ SecretId: name })))).name).toBe('ResourceNotFoundException');
    expect((await failure(west.send(new GetSecretValueCommand({ SecretId: east.ARN })))).name).toBe('ResourceNotFoundException');
    expect((await west.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [name] }] }))).SecretList).toEqual([]);
    const westCreated = await west.send(new CreateSecretCommand({ Name: name, SecretString: 'west' }));
    expect(westCreated.ARN).toMatch(/^arn:aws:secretsmanager:us-west-2:000000000000:secret:/);
    expect((await west.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('west');
    expect((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('east');
    await west.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    expect((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('east');
  });

  it('shows the demo servers and file systems in their region only, the same IAM roles everywhere, log groups per region', async () => {
    const config = { ...stack.clientConfig, region: 'eu-west-1' };
    expect((await new TransferClient(config).send(new ListServersCommand({}))).Servers).toEqual([]);
    expect((await failure(new TransferClient(config).send(new DescribeServerCommand({ ServerId: 's-1a2b3c4d5e6f70819' })))).name).toBe(
      'ResourceNotFoundException',
    );
    expect((await new EFSClient(config).send(new DescribeFileSystemsCommand({}))).FileSystems).toEqual([]);
    const roles = await new IAMClient(config).send(new ListRolesCommand({}));
    expect(roles.Roles?.length).toBeGreaterThan(0);
    await new CloudWatchLogsClient(config).send(new CreateLogGroupCommand({ logGroupName: '/regional/only-eu' }));
    const here = await new CloudWatchLogsClient(config).send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/regional/' }));
    expect(here.logGroups?.map((g) => [g.logGroupName, g.arn])).toEqual([
      ['/regional/only-eu', 'arn:aws:logs:eu-west-1:000000000000:log-group:/regional/only-eu:*'],
    ]);
    const east = await new CloudWatchLogsClient(stack.clientConfig).send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/regional/' }));
    expect(east.logGroups).toEqual([]);
  });
});

describe('ListSecrets filters', () => {
  // Each case creates its own secrets under a fresh prefix of `all`-proof words and filters within it by tag.
  async function listWith(group: string, filters: Filter[]): Promise<string[]> {
    const listed = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'tag-key', Values: [group] }, ...filters] }));
    return (listed.SecretList ?? []).map((s) => s.Name!.split('/').at(-1)!).sort();
  }
  async function make(group: string, secrets: { name: string; description?: string; tags?: Record<string, string> }[]) {
    for (const secret of secrets) {
      await sm.send(
        new CreateSecretCommand({
          Name: `${group}/${secret.name}`,
          SecretString: 'x',
          ...(secret.description !== undefined ? { Description: secret.description } : {}),
          Tags: [{ Key: group, Value: '' }, ...Object.entries(secret.tags ?? {}).map(([Key, Value]) => ({ Key, Value }))],
        }),
      );
    }
  }

  it('description: every word of a value must start a word of the description (moto test_with_filter_with_value_with_multiple_words)', async () => {
    const group = unique('fwords');
    await make(group, [
      { name: 'foo', description: 'one two' },
      { name: 'bar', description: 'one and two' },
      { name: 'baz', description: 'one' },
      { name: 'qux', description: 'two' },
      { name: 'none', description: 'unrelated' },
    ]);
    expect(await listWith(group, [{ Key: 'description', Values: ['one two'] }])).toEqual(['bar', 'foo']);
    // Values of one filter OR together; the same key twice ANDs (moto test_with_duplicate_filter_keys).
    expect(await listWith(group, [{ Key: 'description', Values: ['one', 'two'] }])).toEqual(['bar', 'baz', 'foo', 'qux']);
    expect(
      await listWith(group, [
        { Key: 'description', Values: ['one'] },
        { Key: 'description', Values: ['two'] },
      ]),
    ).toEqual(['bar', 'foo']);
    // Case does not matter for descriptions (AWS "Find secrets": description is case-insensitive).
    expect(await listWith(group, [{ Key: 'description', Values: ['UNREL'] }])).toEqual(['none']);
    // Prefix of a word, not of the whole description.
    expect(await listWith(group, [{ Key: 'description', Values: ['and'] }])).toEqual(['bar']);
  });

  it('camelCase and the characters _ + = . @ - / split words (moto list_secrets/filters.py split_words)', async () => {
    const group = unique('fcamel');
    await make(group, [
      { name: 'descone', description: 'DescOne' },
      { name: 'desctwo', description: 'DescTwo' },
      { name: 'AppBeta', description: 'x' },
      { name: 'svc_gamma.delta@eps', description: 'y' },
    ]);
    expect(await listWith(group, [{ Key: 'description', Values: ['d t'] }])).toEqual(['desctwo']);
    expect(await listWith(group, [{ Key: 'all', Values: ['beta'] }])).toEqual(['AppBeta']);
    expect(await listWith(group, [{ Key: 'all', Values: ['delta'] }])).toEqual(['svc_gamma.delta@eps']);
    expect(await listWith(group, [{ Key: 'all', Values: ['eps gam'] }])).toEqual(['svc_gamma.delta@eps']);
  });

  it('all: any attribute of the secret, words ANDed within that attribute (moto test_with_all_filter)', async () => {
    const group = unique('fall');
    await make(group, [
      { name: 'foo' },
      { name: 'bar', description: 'foo' },
      { name: 'baz', tags: { foo: '1' } },
      { name: 'qux', tags: { '1': 'foo' } },
      { name: 'multi', tags: { foo: 'foo' } },
      { name: 'none' },
    ]);
    expect(await listWith(group, [{ Key: 'all', Values: ['foo'] }])).toEqual(['bar', 'baz', 'foo', 'multi', 'qux']);
    expect(await listWith(group, [{ Key: 'all', Values: ['FOO'] }])).toEqual(['bar', 'baz', 'foo', 'multi', 'qux']);
  });

  it('name, tag-key and tag-value are case-sensitive prefixes of the whole value (AWS "Find secrets")', async () => {
    const group = unique('fprefix');
    await make(group, [
      { name: 'Alpha', tags: { Team: 'Ops' } },
      { name: 'alpha', tags: { team: 'ops' } },
    ]);
    expect(await listWith(group, [{ Key: 'name', Values: [`${group}/A`] }])).toEqual(['Alpha']);
    expect(await listWith(group, [{ Key: 'name', Values: ['pha'] }])).toEqual([]);
    expect(await listWith(group, [{ Key: 'tag-key', Values: ['Te'] }])).toEqual(['Alpha']);
    expect(await listWith(group, [{ Key: 'tag-value', Values: ['op'] }])).toEqual(['alpha']);
  });

  it('negates a value with ! (moto test_with_filter_with_negation)', async () => {
    const group = unique('fneg');
    await make(group, [
      { name: 'foo', description: 'one two' },
      { name: 'bar', description: 'one and two' },
      { name: 'baz', description: 'one' },
      { name: 'qux', description: 'two' },
      { name: 'none', description: 'unrelated' },
    ]);
    // Values OR together, a negated one included: `one` finds three, `!two` adds the one whose description has no word "two…".
    expect(await listWith(group, [{ Key: 'description', Values: ['one', '!two'] }])).toEqual(['bar', 'baz', 'foo', 'none']);
    expect(await listWith(group, [{ Key: 'description', Values: ['!o'] }])).toEqual(['none', 'qux']);
  });

  it('sorts by SortBy and SortOrder (ListSecrets API reference: SortBy created-date | last-accessed-date | last-changed-date | name)', async () => {
    const group = unique('fsort');
    await make(group, [{ name: 'b' }, { name: 'c' }, { name: 'a' }]);
    const names = async (SortBy?: 'name' | 'created-date', SortOrder?: 'asc' | 'desc') =>
      ((await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'tag-key', Values: [group] }], SortBy, SortOrder }))).SecretList ?? []).map((s) =>
        s.Name!.split('/').at(-1),
      );
    expect(await names('name', 'asc')).toEqual(['a', 'b', 'c']);
    expect(await names('name', 'desc')).toEqual(['c', 'b', 'a']);
    expect(await names(undefined, 'asc')).toEqual(['b', 'c', 'a']);
    expect((await failure(sm.send(new ListSecretsCommand({ SortBy: 'size' as never })))).name).toBe('ValidationException');
  });

  it('validation names the failing filter and never prints undefined (moto test_with_invalid_filter_key, test_with_no_filter_key, test_with_no_filter_values)', async () => {
    const wrongKey = await failure(
      sm.send(
        new ListSecretsCommand({
          Filters: [
            { Key: 'name', Values: ['a'] },
            { Key: 'invalid' as never, Values: ['foo'] },
          ],
        }),
      ),
    );
    expect(wrongKey.name).toBe('ValidationException');
    expect(wrongKey.message).toBe(
      "1 validation error detected: Value 'invalid' at 'filters.2.member.key' failed to satisfy constraint: Member must satisfy enum value set: [all, name, tag-key, description, tag-value]",
    );
    const noKey = await failure(sm.send(new ListSecretsCommand({ Filters: [{ Values: ['foo'] }] })));
    expect([noKey.name, noKey.message]).toEqual(['InvalidParameterException', 'Invalid filter key']);
    const noValues = await failure(sm.send(new ListSecretsCommand({ Filters: [{ Key: 'description' }] })));
    expect([noValues.name, noValues.message]).toEqual(['InvalidParameterException', 'Invalid filter values for key: description']);
    for (const error of [wrongKey, noKey, noValues]) expect(error.message).not.toContain('undefined');
    const tooMany = await failure(sm.send(new ListSecretsCommand({ MaxResults: 0 })));
    expect(tooMany.message).toBe(
      "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    expect((await failure(sm.send(new ListSecretsCommand({ NextToken: 'not-a-token' })))).name).toBe('InvalidNextTokenException');
  });
});

describe('DescribeSecret omits what AWS omits (LocalStack snapshot test_create_and_update_secret: describe_secret_rs_1)', () => {
  it('has no RotationEnabled, Tags, empty Description or VersionIdsToStages for a new secret without them', async () => {
    const name = unique('omit/bare');
    await sm.send(new CreateSecretCommand({ Name: name, Description: '' }));
    const described = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described).not.toHaveProperty('RotationEnabled');
    expect(described).not.toHaveProperty('Tags');
    expect(described).not.toHaveProperty('Description');
    expect(described).not.toHaveProperty('VersionIdsToStages');
    const listed = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [name] }] }));
    expect(listed.SecretList?.[0]).not.toHaveProperty('SecretVersionsToStages');
    expect(listed.SecretList?.[0]).not.toHaveProperty('Tags');
  });

  it('shows LastAccessedDate, to the day, once the value was read (LocalStack snapshot: describe_secret_rs_1 after get_secret_value_rs_1)', async () => {
    const name = unique('omit/accessed');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    expect(await sm.send(new DescribeSecretCommand({ SecretId: name }))).not.toHaveProperty('LastAccessedDate');
    await sm.send(new GetSecretValueCommand({ SecretId: name }));
    const today = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000);
    expect((await sm.send(new DescribeSecretCommand({ SecretId: name }))).LastAccessedDate).toEqual(today);
  });

  it('shows Tags once tagged, and [] after every tag is removed (moto test_untag_resource)', async () => {
    const name = unique('omit/tags');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    await sm.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'a', Value: '1' }] }));
    expect((await sm.send(new DescribeSecretCommand({ SecretId: name }))).Tags).toEqual([{ Key: 'a', Value: '1' }]);
    await sm.send(new UntagResourceCommand({ SecretId: name, TagKeys: ['a'] }));
    expect((await sm.send(new DescribeSecretCommand({ SecretId: name }))).Tags).toEqual([]);
  });
});

describe('versions', () => {
  it('PutSecretValue gives the first value of a secret AWSCURRENT whatever stages were asked for (moto put_secret_value)', async () => {
    const name = unique('first/value');
    await sm.send(new CreateSecretCommand({ Name: name }));
    const put = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'first', VersionStages: ['AWSPENDING'] }));
    expect(put.VersionStages?.sort()).toEqual(['AWSCURRENT', 'AWSPENDING']);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('first');
    const second = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'second', VersionStages: ['AWSPENDING'] }));
    expect(second.VersionStages).toEqual(['AWSPENDING']);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('first');
  });

  it('PutSecretValue without a value, or with an empty one, is InvalidRequestException (moto test_put_secret_value_requires_secret_string_or_binary)', async () => {
    const name = unique('put/empty');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    for (const call of [
      sm.send(new PutSecretValueCommand({ SecretId: name })),
      sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: '' })),
    ]) {
      const error = await failure(call);
      expect([error.name, error.message]).toEqual(['InvalidRequestException', 'You must provide either SecretString or SecretBinary.']);
    }
  });

  it('GetSecretValue with a VersionStage the VersionId does not hold is InvalidRequestException (LocalStack snapshot, moto SecretStageVersionMismatchException)', async () => {
    const name = unique('mismatch');
    const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'one' }));
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'two' }));
    const error = await failure(sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: created.VersionId, VersionStage: 'AWSCURRENT' })));
    expect([error.name, error.message]).toEqual([
      'InvalidRequestException',
      'You provided a VersionStage that is not associated to the provided VersionId.',
    ]);
    expect(
      (await sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: created.VersionId, VersionStage: 'AWSPREVIOUS' }))).SecretString,
    ).toBe('one');
  });

  it('says which token is in use for which secret when a ClientRequestToken is reused with another value (create, put, update)', async () => {
    const name = unique('token/reuse');
    const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v1', ClientRequestToken: token(1) }));
    const expected = `You can't use ClientRequestToken ${token(1)} because that value is already in use for a version of secret ${created.ARN}.`;
    for (const call of [
      sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v2', ClientRequestToken: token(1) })),
      sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v2', ClientRequestToken: token(1) })),
      sm.send(new UpdateSecretCommand({ SecretId: name, SecretString: 'v2', ClientRequestToken: token(1) })),
    ]) {
      const error = await failure(call);
      expect([error.name, error.message]).toEqual(['ResourceExistsException', expected]);
    }
    expect((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('v1');
  });

  it('UpdateSecretVersionStage without RemoveFromVersionId names the version holding the label (moto, and AWS as quoted in terraform-provider-aws#19943)', async () => {
    const name = unique('stage/missing-remove');
    const v1 = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'one' }));
    const v2 = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'two', VersionStages: ['NEXT'] }));
    const error = await failure(
      sm.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSCURRENT', MoveToVersionId: v2.VersionId })),
    );
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toBe(
      `The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to version ${v1.VersionId}, so you must explicitly reference that version in RemoveFromVersionId.`,
    );
    expect((await sm.send(new GetSecretValueCommand({ SecretId: name }))).VersionId).toBe(v1.VersionId);
  });
});

describe('deletion and batches', () => {
  it('a forced delete of a missing secret succeeds, after the parameters are checked (moto delete_secret, test_delete_secret_force_no_such_secret)', async () => {
    const name = unique('never/existed');
    const deleted = await sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    expect(deleted.Name).toBe(name);
    expect(deleted.ARN).toMatch(new RegExp(`^arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-`));
    expect(deleted.DeletionDate).toBeInstanceOf(Date);
    const both = await failure(sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true, RecoveryWindowInDays: 7 })));
    expect(both.name).toBe('InvalidParameterException');
    const badWindow = await failure(sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 31 })));
    expect([badWindow.name, badWindow.message]).toEqual([
      'InvalidParameterException',
      'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).',
    ]);
    expect((await failure(sm.send(new DeleteSecretCommand({ SecretId: name })))).name).toBe('ResourceNotFoundException');
  });

  it('BatchGetSecretValue takes MaxResults only with Filters (moto batch_get_secret_value)', async () => {
    const name = unique('batch/one');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    const error = await failure(sm.send(new BatchGetSecretValueCommand({ SecretIdList: [name], MaxResults: 5 })));
    expect([error.name, error.message]).toEqual([
      'InvalidParameterException',
      "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.",
    ]);
    const byFilter = await sm.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: [name] }], MaxResults: 5 }));
    expect(byFilter.SecretValues?.map((v) => v.Name)).toEqual([name]);
    const neither = await failure(sm.send(new BatchGetSecretValueCommand({})));
    expect(neither.name).toBe('InvalidParameterException');
  });
});

describe('features the stack does not emulate are refused, never ignored', () => {
  it('refuses AddReplicaRegions on create and creates nothing', async () => {
    const name = unique('replica/refused');
    const error = await failure(sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x', AddReplicaRegions: [{ Region: 'us-west-2' }] })));
    expect(error.name).toBe('InvalidRequestException');
    expect(error.message).toContain('AddReplicaRegions');
    expect((await failure(sm.send(new DescribeSecretCommand({ SecretId: name })))).name).toBe('ResourceNotFoundException');
  });

  it('answers replication and rotation operations with UnknownOperationException', async () => {
    const name = unique('rotation/refused');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    expect((await failure(sm.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: 'us-west-2' }] })))).name).toBe(
      'UnknownOperationException',
    );
    expect((await failure(sm.send(new RotateSecretCommand({ SecretId: name })))).name).toBe('UnknownOperationException');
    expect(await sm.send(new DescribeSecretCommand({ SecretId: name }))).not.toHaveProperty('RotationEnabled');
  });
});

describe('Transfer, EFS, IAM and Logs answers', () => {
  it('Transfer: unknown servers are ResourceNotFoundException (400), malformed ids InvalidRequestException; ListServers pages', async () => {
    const transfer = new TransferClient({ ...stack.clientConfig, maxAttempts: 1 });
    const unknown = await failure(transfer.send(new DescribeServerCommand({ ServerId: 's-99999999999999999' })));
    expect([unknown.name, unknown.$metadata?.httpStatusCode]).toEqual(['ResourceNotFoundException', 400]);
    expect((await failure(transfer.send(new DescribeServerCommand({ ServerId: 'not-a-server' })))).name).toBe('InvalidRequestException');
    const first = await transfer.send(new ListServersCommand({ MaxResults: 1 }));
    expect(first.Servers).toHaveLength(1);
    const second = await transfer.send(new ListServersCommand({ MaxResults: 1, NextToken: first.NextToken }));
    expect(second.Servers).toHaveLength(1);
    expect(second.NextToken).toBeUndefined();
    expect((await failure(transfer.send(new ListServersCommand({ NextToken: '!!' })))).name).toBe('InvalidNextTokenException');
  });

  it('EFS: a missing file system is FileSystemNotFound with HTTP 404', async () => {
    const error = await failure(
      new EFSClient({ ...stack.clientConfig, maxAttempts: 1 }).send(new DescribeFileSystemsCommand({ FileSystemId: 'fs-00000000' })),
    );
    expect([error.name, error.$metadata?.httpStatusCode]).toEqual(['FileSystemNotFound', 404]);
  });

  it('IAM: MaxItems out of range is a ValidationError', async () => {
    const error = await failure(new IAMClient({ ...stack.clientConfig, maxAttempts: 1 }).send(new ListRolesCommand({ MaxItems: 0 })));
    expect(error.name).toBe('ValidationError');
  });

  it('Logs: DescribeLogGroups pages by limit and refuses a limit out of range', async () => {
    const logs = new CloudWatchLogsClient({ ...stack.clientConfig, maxAttempts: 1 });
    for (const n of [1, 2, 3]) await logs.send(new CreateLogGroupCommand({ logGroupName: `/paged/g${n}` }));
    const first = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/paged/', limit: 2 }));
    expect(first.logGroups?.map((g) => g.logGroupName)).toEqual(['/paged/g1', '/paged/g2']);
    const rest = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/paged/', limit: 2, nextToken: first.nextToken }));
    expect(rest.logGroups?.map((g) => g.logGroupName)).toEqual(['/paged/g3']);
    expect(rest.nextToken).toBeUndefined();
    expect((await failure(logs.send(new DescribeLogGroupsCommand({ limit: 51 })))).name).toBe('InvalidParameterException');
  });
});
