// The Lambda over the wire: its own Secrets Manager client against the local stack on loopback (the
// SDK client only sets the secrets up).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateSecretCommand, DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createHandler, createSecretsManagerClient, type LoginLogRecord } from '@/lambda/handler';
import { buildLambda, bundlePath } from '@/lambda/build';
import { startLocalStack, type LocalStack } from '@/local/server';
import { lambdaRuntimeNode } from '@/scripts/lambda-runtime';
import { ED25519 } from '../fixtures/keys';

const SERVER = 's-1a2b3c4d5e6f70819';
const ROLE = 'arn:aws:iam::123456789012:role/TransferEFSRole';
// The shape the seed blog stores: every value a string, PosixProfile and HomeDirectoryDetails as JSON text.
const SEED_SECRET = {
  Password: 'MySecretPassword1',
  Role: ROLE,
  PosixProfile: '{"Uid": 1001, "Gid": 1001}',
  HomeDirectoryDetails: '[{"Entry": "/", "Target": "/fs-0123456789abcdef0/user1"}]',
};
// What AWS's sample Lambda answers for it: the stored strings untouched, PosixProfile parsed.
const SAMPLE_ANSWER = {
  Role: ROLE,
  HomeDirectoryDetails: SEED_SECRET.HomeDirectoryDetails,
  HomeDirectoryType: 'LOGICAL',
  PosixProfile: { Uid: 1001, Gid: 1001 },
};

// Made by the reference C implementation: echo -n 'correct horse' | argon2 anothersalt123 -id -t 1 -m 15 -p 1 -e
const HASH_32MIB = '$argon2id$v=19$m=32768,t=1,p=1$YW5vdGhlcnNhbHQxMjM$7nTxfd67wy02KRNtcUp4zOy0rfJCkpbbTY4il2SYV5g';

/** The official Node binary of the Lambda runtime's major (installed by `npm install`'s postinstall). */
function runtimeNode(): string {
  const node = lambdaRuntimeNode();
  if (!node) throw new Error('The Node 24 binary is missing: run `npm install` (its postinstall fills tools/lambda-runtime).');
  return node;
}

let stack: LocalStack;
let dataDir: string;
let client: SecretsManagerClient;
let lambdaClient: ReturnType<typeof createSecretsManagerClient>;
const logs: LoginLogRecord[] = [];
let handler: ReturnType<typeof createHandler>;

async function createUser(username: string, secret: Record<string, unknown>): Promise<void> {
  await client.send(new CreateSecretCommand({ Name: `aws/transfer/${SERVER}/${username}`, SecretString: JSON.stringify(secret) }));
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'lambda-wire-'));
  stack = await startLocalStack({ port: 0, dataDir, seed: false });
  const clientConfig = { endpoint: stack.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  client = new SecretsManagerClient(clientConfig);
  lambdaClient = createSecretsManagerClient(clientConfig);
  handler = createHandler({ client: lambdaClient, log: (record) => logs.push(record) });
  await createUser('seeduser', SEED_SECRET);
  await createUser('hashuser', {
    PasswordHash: HASH_32MIB,
    Role: ROLE,
    HomeDirectory: '/fs-0123456789abcdef0/hashuser',
    PosixProfile: '{"Uid": 1003, "Gid": 1003}',
  });
  await createUser('costly', {
    PasswordHash: HASH_32MIB.replace('m=32768,t=1', 'm=65536,t=16'),
    Role: ROLE,
    HomeDirectory: '/fs-0123456789abcdef0/costly',
    PosixProfile: '{"Uid": 1004, "Gid": 1004}',
  });
  await createUser('badposix', { Password: 'Bad-Posix-1', Role: ROLE, PosixProfile: '{"Uid": "root", "Gid": 1}' });
  await createUser('off', { Password: 'Off-Pass-1', Role: ROLE, Disabled: 'true' });
  await createUser('keyuser', {
    PublicKey: ED25519.line,
    Role: ROLE,
    HomeDirectory: '/fs-0123456789abcdef0/keyuser',
    PosixProfile: '{"Uid": 1002, "Gid": 1002}',
  });
});

afterAll(async () => {
  await stack.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const login = (username: string, password?: string, extra: Record<string, unknown> = {}) =>
  handler({ username, ...(password === undefined ? {} : { password }), protocol: 'SFTP', serverId: SERVER, sourceIp: '127.0.0.1', ...extra });

describe('the Lambda against Secrets Manager on loopback', () => {
  it('authenticates the seed blog secret exactly as AWS sample Lambda answers', async () => {
    expect(await login('seeduser', 'MySecretPassword1')).toEqual(SAMPLE_ANSWER);
  });

  it('answers a key login with the stored key', async () => {
    expect(await login('keyuser', '')).toEqual({
      Role: ROLE,
      HomeDirectory: '/fs-0123456789abcdef0/keyuser',
      PosixProfile: { Uid: 1002, Gid: 1002 },
      PublicKeys: [ED25519.line],
    });
  });

  it('refuses wrong passwords and unknown users with {}', async () => {
    expect(await login('seeduser', 'wrong')).toEqual({});
    expect(await login('nobody', 'whatever')).toEqual({});
  });

  it('verifies an argon2id hash made by the reference C implementation', async () => {
    expect(await login('hashuser', 'correct horse')).toMatchObject({ Role: ROLE, HomeDirectory: '/fs-0123456789abcdef0/hashuser' });
    expect(await login('hashuser', 'correct horsf')).toEqual({});
  });

  it('refuses a hash beyond the cost bounds with {} and its own reason, even with the right password', async () => {
    logs.length = 0;
    expect(await login('costly', 'correct horse')).toEqual({});
    expect(logs[0]).toMatchObject({ decision: 'deny', reason: 'PASSWORD_HASH_TOO_COSTLY' });
  });

  it('logs the request id and whether the container was cold, never the event', async () => {
    const records: LoginLogRecord[] = [];
    const fresh = createHandler({ client: lambdaClient, log: (record) => records.push(record) });
    const event = { username: 'seeduser', password: 'MySecretPassword1', protocol: 'SFTP', serverId: SERVER, sourceIp: '127.0.0.1' };
    await fresh(event, { awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678' });
    await fresh({ ...event, password: 'a-wrong-guess' }, { awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345679' });
    await fresh(event);
    expect(records.map((r) => [r.requestId, r.coldStart])).toEqual([
      ['c6af9ac6-7b61-11e6-9a41-93e812345678', true],
      ['c6af9ac6-7b61-11e6-9a41-93e812345679', false],
      [null, false],
    ]);
    expect(JSON.stringify(records)).not.toMatch(/MySecretPassword1|a-wrong-guess/);
  });

  it('refuses a user whose secret is scheduled for deletion', async () => {
    await createUser('leaving', SEED_SECRET);
    await client.send(new DeleteSecretCommand({ SecretId: `aws/transfer/${SERVER}/leaving`, RecoveryWindowInDays: 7 }));
    logs.length = 0;
    expect(await login('leaving', 'MySecretPassword1')).toEqual({});
    expect(logs[0]).toMatchObject({ decision: 'deny', reason: 'USER_PENDING_DELETION', level: 'info' });
  });

  it('refuses hostile events without throwing', async () => {
    for (const event of [
      null,
      'text',
      42,
      {},
      { username: '../seeduser', serverId: SERVER, protocol: 'SFTP', password: 'x' },
      { username: 'seeduser', serverId: SERVER, protocol: 'SFTP', password: { $ne: 1 } },
    ]) {
      expect(await handler(event)).toEqual({});
    }
  });

  it('logs one JSON line per login with the decision, and never a secret value', async () => {
    logs.length = 0;
    await login('seeduser', 'MySecretPassword1');
    await login('seeduser', 'a-wrong-guess');
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatchObject({
      decision: 'allow',
      reason: 'PASSWORD_OK',
      serverId: SERVER,
      username: 'seeduser',
      protocol: 'SFTP',
      sourceIp: '127.0.0.1',
    });
    expect(logs[1]).toMatchObject({ decision: 'deny', reason: 'WRONG_PASSWORD' });
    expect(typeof logs[0]!.latencyMs).toBe('number');
    const text = JSON.stringify(logs);
    for (const secret of ['MySecretPassword1', 'a-wrong-guess', ROLE]) expect(text).not.toContain(secret);
  });

  it('refuses with {} when Secrets Manager fails, and says so in the log', async () => {
    const failing = await startLocalStack({
      port: 0,
      dataDir: mkdtempSync(path.join(tmpdir(), 'lambda-faults-')),
      seed: false,
      faults: 'error=1,ops=GetSecretValue',
    });
    try {
      const records: LoginLogRecord[] = [];
      const broken = createHandler({
        client: createSecretsManagerClient({
          endpoint: failing.endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 't', secretAccessKey: 't' },
          maxAttempts: 1,
        }),
        log: (record) => records.push(record),
      });
      expect(
        await broken({ username: 'seeduser', password: 'MySecretPassword1', protocol: 'SFTP', serverId: SERVER, sourceIp: '127.0.0.1' }),
      ).toEqual({});
      expect(records[0]).toMatchObject({ decision: 'deny', reason: 'SECRETS_MANAGER_ERROR', level: 'error' });
    } finally {
      await failing.close();
      rmSync(failing.dataDir, { recursive: true, force: true });
    }
  });
});

describe('the bundle', () => {
  it('builds under 1 MiB zipped and answers like the source handler', async () => {
    const { zipBytes } = await buildLambda();
    expect(zipBytes).toBeLessThan(1024 * 1024);
    process.env.AWS_ENDPOINT_URL = stack.endpoint;
    process.env.AWS_REGION = 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    const bundled = (await import(`${pathToFileURL(bundlePath).href}?t=${Date.now()}`)) as { handler: (event: unknown) => Promise<unknown> };
    const event = { username: 'seeduser', password: 'MySecretPassword1', protocol: 'SFTP', serverId: SERVER, sourceIp: '127.0.0.1' };
    expect(await bundled.handler(event)).toEqual(await handler(event));
    expect(await bundled.handler({ ...event, password: 'nope' })).toEqual({});
  }, 60_000);
});

describe('the bundle on the Lambda runtime’s Node major', () => {
  // A driver run by the official Node 24 binary: imports the built bundle, answers each event, prints JSON.
  const DRIVER = `
    const bundle = await import(process.env.BUNDLE_URL);
    const events = JSON.parse(process.env.EVENTS);
    const answers = [];
    for (const [i, event] of events.entries()) answers.push(await bundle.handler(event, { awsRequestId: 'request-' + i }));
    process.stdout.write('RESULT ' + JSON.stringify({ node: process.version, argon2: bundle.argon2Backend, answers }) + '\\n');
  `;

  it('answers like the source handler under Node 24, with argon2 from node:crypto', async () => {
    await buildLambda();
    const events = [
      { username: 'seeduser', password: 'MySecretPassword1', protocol: 'SFTP', serverId: SERVER, sourceIp: '127.0.0.1' },
      { username: 'hashuser', password: 'correct horse', protocol: 'SFTP', serverId: SERVER, sourceIp: '127.0.0.1' },
      { username: 'hashuser', password: 'correct horsf', protocol: 'SFTP', serverId: SERVER, sourceIp: '127.0.0.1' },
      { username: 'costly', password: 'correct horse', protocol: 'SFTP', serverId: SERVER, sourceIp: '127.0.0.1' },
      { username: 'keyuser', password: '', protocol: 'SFTP', serverId: SERVER, sourceIp: '127.0.0.1' },
      { username: '../seeduser', password: 'x', protocol: 'SFTP', serverId: SERVER },
      { username: 'badposix', password: 'Bad-Posix-1', protocol: 'SFTP', serverId: SERVER, sourceIp: '127.0.0.1' },
      { username: 'off', password: 'Off-Pass-1', protocol: 'FTPS', serverId: SERVER, sourceIp: '127.0.0.1' },
    ];
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        runtimeNode(),
        ['--input-type=module', '-e', DRIVER],
        {
          env: {
            NODE_ENV: 'test',
            PATH: process.env.PATH,
            BUNDLE_URL: pathToFileURL(bundlePath).href,
            EVENTS: JSON.stringify(events),
            AWS_ENDPOINT_URL: stack.endpoint,
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'test',
            AWS_SECRET_ACCESS_KEY: 'test',
          },
          timeout: 30_000,
        },
        (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)),
      );
    });
    const lines = stdout.trim().split('\n');
    const result = JSON.parse(lines.find((line) => line.startsWith('RESULT '))!.slice('RESULT '.length)) as {
      node: string;
      argon2: string;
      answers: unknown[];
    };
    expect(result.node).toMatch(/^v24\./);
    expect(result.argon2).toBe('node:crypto');
    const expected = [];
    for (const event of events) expected.push(await handler(event));
    expect(result.answers).toEqual(expected);
    expect(result.answers[1]).toMatchObject({ Role: ROLE });
    // The bundle's own log lines: one per login, with the request id and the cold-start flag.
    const records = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LoginLogRecord);
    expect(records.map((r) => [r.requestId, r.coldStart, r.reason])).toEqual([
      ['request-0', true, 'PASSWORD_OK'],
      ['request-1', false, 'PASSWORD_OK'],
      ['request-2', false, 'WRONG_PASSWORD'],
      ['request-3', false, 'PASSWORD_HASH_TOO_COSTLY'],
      ['request-4', false, 'PUBLIC_KEYS_RETURNED'],
      ['request-5', false, 'INVALID_EVENT'],
      ['request-6', false, 'SECRET_INVALID'],
      ['request-7', false, 'USER_DISABLED'],
    ]);
    expect(stdout).not.toMatch(/MySecretPassword1|correct horse/);
  }, 60_000);
});

describe('the CloudFormation template', () => {
  it('runs on nodejs24.x, whose node:crypto has argon2', () => {
    expect(template.Resources.IdentityProviderFunction!.Properties.Runtime).toBe('nodejs24.x');
  });

  const intrinsic = (tag: string, collection?: 'seq' | 'map') => ({
    tag,
    ...(collection ? { collection } : {}),
    resolve: (value: unknown) => ({ [tag]: value }),
  });
  const template = parse(readFileSync(path.join(import.meta.dirname, '../../lambda/template.yaml'), 'utf8'), {
    customTags: [
      intrinsic('!Ref'),
      intrinsic('!Sub'),
      intrinsic('!GetAtt'),
      intrinsic('!If', 'seq'),
      intrinsic('!Not', 'seq'),
      intrinsic('!Equals', 'seq'),
    ],
  }) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

  it('lets the function read only aws/transfer/* secrets', () => {
    const role = template.Resources.ExecutionRole!.Properties as {
      Policies: { PolicyDocument: { Statement: { Action: string; Resource: unknown }[] } }[];
    };
    const statement = role.Policies[0]!.PolicyDocument.Statement[0]!;
    expect(statement.Action).toBe('secretsmanager:GetSecretValue');
    expect(JSON.stringify(statement.Resource)).toContain(':secret:aws/transfer/*');
  });

  it('lets only transfer.amazonaws.com invoke it, scoped to the server ARN', () => {
    const permission = template.Resources.TransferInvokePermission!;
    expect(permission.Type).toBe('AWS::Lambda::Permission');
    expect(permission.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'transfer.amazonaws.com',
      SourceArn: { '!Ref': 'TransferServerArn' },
    });
  });
});
