// Issue 9, findings 2 and 3: no request takes the local stack down, and no caller-chosen key
// reaches a prototype.
import { connect } from 'node:net';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './local-stack-fixture';

let stack: TestStack;
let sm: SecretsManagerClient;

beforeAll(async () => {
  stack = await startTestStack();
  sm = new SecretsManagerClient({ ...stack.clientConfig, maxAttempts: 1 });
});
afterAll(() => stack.dispose());

/** Sends raw bytes to the stack and resolves with everything it answers before closing. */
function rawRequest(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(stack.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // One answer is enough: the stack keeps the connection open for more.
      if (Buffer.concat(chunks).toString('latin1').includes('\r\n\r\n')) socket.end();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.write(text);
  });
}

async function expectServing(): Promise<void> {
  const health = await fetch(`${stack.endpoint}/health`);
  expect(health.status).toBe(200);
  const listed = await sm.send(new ListSecretsCommand({}));
  expect(listed.SecretList).toBeInstanceOf(Array);
}

async function target(
  operation: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(stack.endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': operation, ...headers },
    body,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('malformed requests get an error and the stack keeps serving', () => {
  it.each([
    ['an absolute-form target with an invalid port', 'GET http://a:99999/ HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['a path that is not a URL', 'GET //[/ HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['a protocol-relative target', 'GET //evil.example/x HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['an absolute EFS target', 'GET http://[::1/2015-02-01/file-systems HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['garbage instead of a request line', '\x00\x01\x02 nonsense\r\n\r\n'],
    ['a header without a colon', 'GET / HTTP/1.1\r\nHost a\r\n\r\n'],
  ])('%s', async (_name, request) => {
    const answer = await rawRequest(request);
    expect(answer).toMatch(/^HTTP\/1\.1 \d{3} /);
    await expectServing();
  });

  it('answers a browser-style fetch of //[/ with an AWS-shaped error', async () => {
    const answer = await rawRequest('POST //[/ HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
    expect(answer).toContain('"__type":"UnknownOperationException"');
    await expectServing();
  });

  it('answers bodies that are not JSON objects with SerializationException', async () => {
    for (const body of ['{', 'null', '[]', '"text"', '42', '\u0000']) {
      const { status, json } = await target('secretsmanager.ListSecrets', body);
      expect(status).toBe(400);
      expect(json.__type).toBe('SerializationException');
    }
    await expectServing();
  });

  it('answers wrongly typed members with an AWS error, not a crash', async () => {
    const cases: [string, unknown][] = [
      ['secretsmanager.GetSecretValue', { SecretId: { toString: 1 } }],
      ['secretsmanager.CreateSecret', { Name: 'typed', SecretString: 5 }],
      ['secretsmanager.ListSecrets', { Filters: [null, 1] }],
      ['secretsmanager.ListSecrets', { Filters: 'name' }],
      ['secretsmanager.BatchGetSecretValue', { SecretIdList: [1, 2] }],
      ['secretsmanager.TagResource', { SecretId: 'x', Tags: [null] }],
      ['TransferService.DescribeServer', { ServerId: ['s-1'] }],
      ['Logs_20140328.PutLogEvents', { logGroupName: 'g', logStreamName: 's', logEvents: [null] }],
      ['Logs_20140328.FilterLogEvents', { logGroupName: { a: 1 } }],
    ];
    for (const [operation, body] of cases) {
      const { status, json } = await target(operation, JSON.stringify(body));
      expect(status, operation).toBe(400);
      expect(typeof json.__type, operation).toBe('string');
      expect(String(json.message), operation).not.toContain('undefined');
    }
    await expectServing();
  });

  it('finds no operation behind Object.prototype names in X-Amz-Target', async () => {
    for (const operation of [
      'secretsmanager.constructor',
      'secretsmanager.__proto__',
      'constructor.toString',
      '__proto__.hasOwnProperty',
      'secretsmanager.toString',
    ]) {
      const { status, json } = await target(operation, '{}');
      expect(status, operation).toBe(400);
      expect(json.__type, operation).toBe('UnknownOperationException');
    }
    await expectServing();
  });

  it('refuses a body over 10 MiB with 413 and keeps serving', async () => {
    const { status, json } = await target('secretsmanager.ListSecrets', `{"x":"${'a'.repeat(10 * 1024 * 1024 + 10)}"}`);
    expect(status).toBe(413);
    expect(json.__type).toBe('RequestEntityTooLargeException');
    await expectServing();
  });
});

describe('caller-chosen keys never reach a prototype', () => {
  const prototypeNames = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

  it('delete-secret of prototype names behaves as for any missing secret and leaves every other secret readable', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'proto/keep-me', SecretString: 'still here' }));
    for (const name of prototypeNames) {
      await expect(sm.send(new DeleteSecretCommand({ SecretId: name })), name).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      await expect(sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 })), name).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
      // AWS: a forced delete of a missing secret succeeds; there is nothing to delete.
      const forced = await sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
      expect(forced.Name).toBe(name);
      await expect(sm.send(new GetSecretValueCommand({ SecretId: name })), name).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      await expect(sm.send(new DescribeSecretCommand({ SecretId: name })), name).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    }
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'proto/keep-me' }))).SecretString).toBe('still here');
    const listed = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['proto/'] }] }));
    expect(listed.SecretList?.map((s) => s.Name)).toEqual(['proto/keep-me']);
    expect(listed.SecretList?.[0]?.DeletedDate).toBeUndefined();
  });

  it('stores secrets named like prototype members as ordinary secrets, and deletes them without touching others', async () => {
    for (const name of prototypeNames) {
      await sm.send(new CreateSecretCommand({ Name: name, SecretString: `value of ${name}` }));
      expect((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe(`value of ${name}`);
    }
    await sm.send(new DeleteSecretCommand({ SecretId: '__proto__', RecoveryWindowInDays: 7 }));
    await expect(sm.send(new GetSecretValueCommand({ SecretId: '__proto__' }))).rejects.toMatchObject({ name: 'InvalidRequestException' });
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'constructor' }))).SecretString).toBe('value of constructor');
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'proto/keep-me' }))).SecretString).toBe('still here');
    for (const name of prototypeNames) await sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'proto/keep-me' }))).SecretString).toBe('still here');
  });

  it('keeps versions and stages named like prototype members apart from the prototype', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'proto/stages', SecretString: 'one' }));
    await expect(sm.send(new GetSecretValueCommand({ SecretId: 'proto/stages', VersionStage: '__proto__' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(sm.send(new GetSecretValueCommand({ SecretId: 'proto/stages', VersionStage: 'constructor' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(sm.send(new GetSecretValueCommand({ SecretId: 'proto/stages', VersionId: '__proto__'.padEnd(32, '_') }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('treats regions named like prototype members as ordinary, empty regions', async () => {
    const odd = new SecretsManagerClient({ ...stack.clientConfig, region: 'constructor', maxAttempts: 1 });
    expect((await odd.send(new ListSecretsCommand({}))).SecretList).toEqual([]);
    await odd.send(new CreateSecretCommand({ Name: 'in-odd-region', SecretString: 'x' }));
    expect((await odd.send(new GetSecretValueCommand({ SecretId: 'in-odd-region' }))).SecretString).toBe('x');
    await expect(sm.send(new GetSecretValueCommand({ SecretId: 'in-odd-region' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('keeps log groups and streams named like prototype members apart, and JSON patterns read own fields only', async () => {
    const logs = new CloudWatchLogsClient({ ...stack.clientConfig, maxAttempts: 1 });
    await expect(logs.send(new FilterLogEventsCommand({ logGroupName: '__proto__' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(logs.send(new CreateLogStreamCommand({ logGroupName: 'constructor', logStreamName: 'x' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await logs.send(new CreateLogGroupCommand({ logGroupName: '__proto__' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: '__proto__', logStreamName: 'constructor' }));
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: '__proto__',
        logStreamName: 'constructor',
        logEvents: [{ timestamp: Date.now(), message: '{"a":"b"}' }],
      }),
    );
    const all = await logs.send(new FilterLogEventsCommand({ logGroupName: '__proto__' }));
    expect(all.events?.map((e) => [e.logStreamName, e.message])).toEqual([['constructor', '{"a":"b"}']]);
    const viaPrototype = await logs.send(
      new FilterLogEventsCommand({ logGroupName: '__proto__', filterPattern: '{ $.constructor != "x" && $.a = "b" }' }),
    );
    expect(viaPrototype.events).toHaveLength(1);
    const noOwnField = await logs.send(new FilterLogEventsCommand({ logGroupName: '__proto__', filterPattern: '{ $.toString = * }' }));
    expect(noOwnField.events).toEqual([]);
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '__' }));
    expect(groups.logGroups?.map((g) => g.logGroupName)).toEqual(['__proto__']);
  });
});
