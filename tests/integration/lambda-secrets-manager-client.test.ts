// The Lambda's own Secrets Manager client (lambda/secrets-manager.ts): what it puts on the wire (checked
// against an independent SigV4 computation, itself pinned to AWS's published test vector), what it
// reads back from the local stack (the same answers as the SDK's client), how it retries, and where it
// sends a call. Everything runs on loopback.
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateSecretCommand, DeleteSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, createSecretsManagerClient, type LoginLogRecord } from '@/lambda/handler';
import { credentialsFromEnv, resolveEndpoint, type Environment, type SecretsManagerError } from '@/lambda/secrets-manager';
import { startLocalStack, type LocalStack } from '@/local/server';

const SERVER = 's-1a2b3c4d5e6f70819';
const ROLE = 'arn:aws:iam::123456789012:role/TransferEFSRole';
const CREDENTIALS = { accessKeyId: 'AKIDTESTCLIENT', secretAccessKey: 'test-secret-key', sessionToken: 'test-session-token' };

// ---------------------------------------------------------------------------------------------
// SigV4 written out from the specification, independent of @smithy/signature-v4.

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

function expectedSignature(request: {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  signedHeaders: string[];
  body: string;
  secretAccessKey: string;
  amzDate: string;
  region: string;
  service: string;
}): string {
  const canonicalHeaders = request.signedHeaders.map((name) => `${name}:${String(request.headers[name]).trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [request.method, request.path, '', canonicalHeaders, request.signedHeaders.join(';'), sha256(request.body)].join('\n');
  const day = request.amzDate.slice(0, 8);
  const scope = `${day}/${request.region}/${request.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', request.amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${request.secretAccessKey}`, day);
  for (const part of [request.region, request.service, 'aws4_request']) key = hmac(key, part);
  return hmac(key, stringToSign).toString('hex');
}

// ---------------------------------------------------------------------------------------------
// A loopback server that records each request and answers from a script.

type Recorded = { method: string; url: string; headers: IncomingHttpHeaders; body: string };
type Reply = (res: ServerResponse, request: Recorded) => void;

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => {
  return (res) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...headers });
    res.end(JSON.stringify(body));
  };
};
const awsError = (status: number, type: string, message: string, headers: Record<string, string> = {}) =>
  json(status, { __type: `com.amazonaws.secretsmanager#${type}`, message }, headers);

async function scriptedServer(replies: Reply[]): Promise<{ endpoint: string; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      const reply = replies[Math.min(requests.length, replies.length) - 1]!;
      reply(res, recorded);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

const FOUND = json(200, { ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x', Name: 'x', SecretString: '{"Password":"p"}' });

async function failure(promise: Promise<unknown>): Promise<SecretsManagerError> {
  try {
    await promise;
  } catch (err) {
    return err as SecretsManagerError;
  }
  throw new Error('expected the call to fail');
}

describe('SigV4 as the Lambda signs it', () => {
  it('the independent computation reproduces AWS’s get-vanilla test vector', () => {
    // aws-sig-v4-test-suite/get-vanilla: GET / with Host and X-Amz-Date, the suite's example keys.
    expect(
      expectedSignature({
        method: 'GET',
        path: '/',
        headers: { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' },
        signedHeaders: ['host', 'x-amz-date'],
        body: '',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        amzDate: '20150830T123600Z',
        region: 'us-east-1',
        service: 'service',
      }),
    ).toBe('5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  });

  it('sends one signed JSON 1.1 GetSecretValue call that the signature verifies', async () => {
    const server = await scriptedServer([FOUND]);
    try {
      const client = createSecretsManagerClient({ endpoint: server.endpoint, region: 'eu-west-1', credentials: CREDENTIALS });
      expect(await client.getSecretValue({ SecretId: 'aws/transfer/s-1/alice' })).toMatchObject({ SecretString: '{"Password":"p"}', Name: 'x' });
      expect(server.requests).toHaveLength(1);
      const [request] = server.requests as [Recorded];
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/');
      expect(JSON.parse(request.body)).toEqual({ SecretId: 'aws/transfer/s-1/alice' });
      expect(request.headers).toMatchObject({
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.GetSecretValue',
        'x-amz-security-token': 'test-session-token',
      });
      const authorization =
        /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
          String(request.headers.authorization),
        );
      expect(authorization).not.toBeNull();
      const [, keyId, day, region, service, signedHeaders, signature] = authorization!;
      expect([keyId, region, service]).toEqual(['AKIDTESTCLIENT', 'eu-west-1', 'secretsmanager']);
      const amzDate = String(request.headers['x-amz-date']);
      expect(day).toBe(amzDate.slice(0, 8));
      // The target, the token and the body's type are under the signature, so none can be altered on the way.
      expect(signedHeaders!.split(';')).toEqual(
        expect.arrayContaining(['host', 'x-amz-date', 'x-amz-target', 'x-amz-security-token', 'content-type']),
      );
      expect(
        expectedSignature({
          method: 'POST',
          path: '/',
          headers: request.headers,
          signedHeaders: signedHeaders!.split(';'),
          body: request.body,
          secretAccessKey: CREDENTIALS.secretAccessKey,
          amzDate,
          region: 'eu-west-1',
          service: 'secretsmanager',
        }),
      ).toBe(signature);
    } finally {
      await server.close();
    }
  });
});

describe('against the local stack’s Secrets Manager', () => {
  let stack: LocalStack;
  let sdk: SecretsManagerClient;
  const config = () => ({ endpoint: stack.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, dataDir: mkdtempSync(path.join(tmpdir(), 'lambda-client-')), seed: false });
    sdk = new SecretsManagerClient(config());
    await sdk.send(
      new CreateSecretCommand({ Name: `aws/transfer/${SERVER}/text`, SecretString: JSON.stringify({ Password: 'Text-Pass-1', Role: ROLE }) }),
    );
    await sdk.send(
      new CreateSecretCommand({
        Name: `aws/transfer/${SERVER}/binary`,
        SecretBinary: Buffer.from(JSON.stringify({ Password: 'Binary-Pass-1', Role: ROLE, HomeDirectory: '/fs-0123456789abcdef0/binary' })),
      }),
    );
    await sdk.send(new CreateSecretCommand({ Name: `aws/transfer/${SERVER}/leaving`, SecretString: JSON.stringify({ Password: 'x', Role: ROLE }) }));
    await sdk.send(new DeleteSecretCommand({ SecretId: `aws/transfer/${SERVER}/leaving`, RecoveryWindowInDays: 7 }));
  });

  afterAll(async () => {
    await stack.close();
    rmSync(stack.dataDir, { recursive: true, force: true });
  });

  it('reads text and binary secrets exactly as the SDK’s client does', async () => {
    const client = createSecretsManagerClient(config());
    for (const name of ['text', 'binary']) {
      const SecretId = `aws/transfer/${SERVER}/${name}`;
      const ours = await client.getSecretValue({ SecretId });
      const theirs = await sdk.send(new GetSecretValueCommand({ SecretId }));
      expect(ours.SecretString).toBe(theirs.SecretString);
      expect(ours.SecretBinary === undefined ? undefined : Buffer.from(ours.SecretBinary).toString('base64')).toBe(
        theirs.SecretBinary === undefined ? undefined : Buffer.from(theirs.SecretBinary).toString('base64'),
      );
      expect([ours.ARN, ours.Name, ours.VersionId, ours.VersionStages]).toEqual([theirs.ARN, theirs.Name, theirs.VersionId, theirs.VersionStages]);
    }
  });

  it('names errors as the SDK does, so the handler maps them the same', async () => {
    const client = createSecretsManagerClient(config());
    for (const name of ['nobody', 'leaving']) {
      const SecretId = `aws/transfer/${SERVER}/${name}`;
      const ours = await failure(client.getSecretValue({ SecretId }));
      const theirs = await failure(sdk.send(new GetSecretValueCommand({ SecretId })));
      expect(ours.name).toBe(theirs.name);
      expect(ours.$metadata.attempts).toBe(1);
    }
    expect((await failure(client.getSecretValue({ SecretId: `aws/transfer/${SERVER}/nobody` }))).name).toBe('ResourceNotFoundException');
  });

  it('the handler logs in a user whose secret is binary', async () => {
    const handler = createHandler({ client: createSecretsManagerClient(config()), log: () => undefined });
    expect(await handler({ username: 'binary', password: 'Binary-Pass-1', protocol: 'SFTP', serverId: SERVER, sourceIp: '127.0.0.1' })).toMatchObject(
      {
        Role: ROLE,
        HomeDirectory: '/fs-0123456789abcdef0/binary',
      },
    );
  });

  it('gives up on a stack that always throttles after the SDK’s three attempts', async () => {
    const throttling = await startLocalStack({
      port: 0,
      dataDir: mkdtempSync(path.join(tmpdir(), 'lambda-client-throttle-')),
      seed: false,
      faults: 'throttle=1,ops=GetSecretValue',
    });
    try {
      const client = createSecretsManagerClient({ ...config(), endpoint: throttling.endpoint, random: () => 0 });
      const error = await failure(client.getSecretValue({ SecretId: `aws/transfer/${SERVER}/text` }));
      expect(error.name).toBe('ThrottlingException');
      expect(error.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 3 });
    } finally {
      await throttling.close();
      rmSync(throttling.dataDir, { recursive: true, force: true });
    }
  });
});

describe('retries', () => {
  const client = (endpoint: string, extra: Parameters<typeof createSecretsManagerClient>[0] = {}) =>
    createSecretsManagerClient({ endpoint, region: 'us-east-1', credentials: CREDENTIALS, random: () => 0, ...extra });

  it('retries throttling and 5xx, and answers once one attempt succeeds', async () => {
    const server = await scriptedServer([
      awsError(400, 'ThrottlingException', 'Rate exceeded'),
      awsError(500, 'InternalServiceError', 'oops'),
      FOUND,
    ]);
    try {
      expect(await client(server.endpoint).getSecretValue({ SecretId: 'x' })).toMatchObject({ SecretString: '{"Password":"p"}' });
      expect(server.requests).toHaveLength(3);
      expect(server.requests.map((r) => r.body)).toEqual(Array(3).fill('{"SecretId":"x"}'));
    } finally {
      await server.close();
    }
  });

  it('retries a connection cut without an answer', async () => {
    const server = await scriptedServer([(res) => res.socket?.destroy(), FOUND]);
    try {
      expect(await client(server.endpoint).getSecretValue({ SecretId: 'x' })).toMatchObject({ SecretString: '{"Password":"p"}' });
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('does not retry what a retry cannot fix', async () => {
    const server = await scriptedServer([
      awsError(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret."),
      awsError(400, 'AccessDeniedException', 'not allowed'),
      awsError(501, 'NotImplemented', 'no'),
    ]);
    try {
      for (const expected of ['ResourceNotFoundException', 'AccessDeniedException', 'NotImplemented']) {
        const error = await failure(client(server.endpoint).getSecretValue({ SecretId: 'x' }));
        expect(error.name).toBe(expected);
        expect(error.$metadata.attempts).toBe(1);
      }
      expect(server.requests).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('stops at the deadline instead of backing off past it', async () => {
    const server = await scriptedServer([awsError(400, 'ThrottlingException', 'Rate exceeded')]);
    try {
      // Throttling backs off up to 1 s; 200 ms are left.
      const slow = client(server.endpoint, { random: () => 0.99 });
      const started = Date.now();
      const error = await failure(slow.getSecretValue({ SecretId: 'x' }, { deadline: Date.now() + 200 }));
      expect(error.name).toBe('ThrottlingException');
      expect(error.$metadata.attempts).toBe(1);
      expect(server.requests).toHaveLength(1);
      // It gave up without sleeping the 990 ms back-off first.
      expect(Date.now() - started).toBeLessThan(990);
    } finally {
      await server.close();
    }
  });

  it('times an attempt out, retries it, and says TimeoutError', async () => {
    const server = await scriptedServer([() => undefined]);
    try {
      const error = await failure(client(server.endpoint, { attemptTimeoutMs: 100, maxAttempts: 2 }).getSecretValue({ SecretId: 'x' }));
      expect(error.name).toBe('TimeoutError');
      expect(error.$metadata.attempts).toBe(2);
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('refuses an answer larger than the limit, without retrying', async () => {
    const server = await scriptedServer([json(200, { SecretString: 'x'.repeat(300 * 1024) })]);
    try {
      const error = await failure(client(server.endpoint).getSecretValue({ SecretId: 'x' }));
      expect(error.name).toBe('ResponseTooLargeError');
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('corrects its clock from the service’s Date when told the signature is skewed, then retries', async () => {
    const serverTime = new Date(Date.now() + 2 * 60 * 60_000);
    const server = await scriptedServer([awsError(400, 'InvalidSignatureException', 'Signature expired', { date: serverTime.toUTCString() }), FOUND]);
    try {
      expect(await client(server.endpoint).getSecretValue({ SecretId: 'x' })).toMatchObject({ SecretString: '{"Password":"p"}' });
      const [first, second] = server.requests as [Recorded, Recorded];
      const signedAt = (r: Recorded) =>
        Date.parse(String(r.headers['x-amz-date']).replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
      expect(Math.abs(signedAt(first) - Date.now())).toBeLessThan(60_000);
      expect(Math.abs(signedAt(second) - serverTime.getTime())).toBeLessThan(60_000);
    } finally {
      await server.close();
    }
  });
});

describe('configuration', () => {
  it('resolves the endpoint as the SDK does', () => {
    const at = (region: string, env: Environment = {}, endpoint?: string) => resolveEndpoint({ region, env, endpoint }).href;
    expect(at('us-east-1')).toBe('https://secretsmanager.us-east-1.amazonaws.com/');
    expect(at('eu-west-3')).toBe('https://secretsmanager.eu-west-3.amazonaws.com/');
    expect(at('cn-north-1')).toBe('https://secretsmanager.cn-north-1.amazonaws.com.cn/');
    expect(at('us-gov-west-1')).toBe('https://secretsmanager.us-gov-west-1.amazonaws.com/');
    expect(at('us-iso-east-1')).toBe('https://secretsmanager.us-iso-east-1.c2s.ic.gov/');
    expect(at('us-east-1', { AWS_USE_FIPS_ENDPOINT: 'true' })).toBe('https://secretsmanager-fips.us-east-1.amazonaws.com/');
    expect(at('us-east-1', { AWS_USE_DUALSTACK_ENDPOINT: 'true' })).toBe('https://secretsmanager.us-east-1.api.aws/');
    expect(at('us-gov-east-1', { AWS_USE_FIPS_ENDPOINT: 'true', AWS_USE_DUALSTACK_ENDPOINT: 'true' })).toBe(
      'https://secretsmanager-fips.us-gov-east-1.api.aws/',
    );
    expect(at('cn-northwest-1', { AWS_USE_DUALSTACK_ENDPOINT: 'true' })).toBe('https://secretsmanager.cn-northwest-1.api.amazonwebservices.com.cn/');
  });

  it('takes the service’s endpoint variable over the general one, and both only when not told to ignore them', () => {
    const env = { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:4599' };
    expect(resolveEndpoint({ region: 'us-east-1', env }).href).toBe('http://127.0.0.1:4599/');
    expect(resolveEndpoint({ region: 'us-east-1', env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' } }).href).toBe('http://127.0.0.1:4566/');
    expect(resolveEndpoint({ region: 'us-east-1', env: { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' } }).href).toBe(
      'https://secretsmanager.us-east-1.amazonaws.com/',
    );
    // An endpoint given in code wins over the environment, as the SDK's `endpoint` setting does.
    expect(resolveEndpoint({ region: 'us-east-1', env, endpoint: 'http://127.0.0.1:1234' }).href).toBe('http://127.0.0.1:1234/');
  });

  it('reaches the endpoint named by AWS_ENDPOINT_URL_SECRETS_MANAGER', async () => {
    const server = await scriptedServer([FOUND]);
    try {
      const client = createSecretsManagerClient({
        env: {
          AWS_REGION: 'eu-west-1',
          AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
          AWS_ENDPOINT_URL_SECRETS_MANAGER: server.endpoint,
          ...envCredentials,
        },
      });
      expect(await client.getSecretValue({ SecretId: 'x' })).toMatchObject({ SecretString: '{"Password":"p"}' });
      expect(String(server.requests[0]!.headers.authorization)).toContain('/eu-west-1/secretsmanager/aws4_request');
    } finally {
      await server.close();
    }
  });

  const envCredentials = { AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'env-secret' };

  it('refuses contradictory or missing settings with a named error at the call, never at import', async () => {
    const cases: [Environment, string, RegExp][] = [
      [{ ...envCredentials }, 'ConfigurationError', /Region is missing/],
      [
        { ...envCredentials, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_USE_FIPS_ENDPOINT: 'true' },
        'ConfigurationError',
        /FIPS and custom endpoint/,
      ],
      [{ ...envCredentials, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'ftp://127.0.0.1:9' }, 'ConfigurationError', /neither https nor http/],
      [
        { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'AKID' },
        'CredentialsProviderError',
        /AWS_SECRET_ACCESS_KEY/,
      ],
    ];
    for (const [env, name, message] of cases) {
      const client = createSecretsManagerClient({ env });
      const error = await failure(client.getSecretValue({ SecretId: 'x' }));
      expect(error.name, JSON.stringify(env)).toBe(name);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('env-secret');
    }
    expect(credentialsFromEnv({ ...envCredentials, AWS_SESSION_TOKEN: 'tok' })).toEqual({
      accessKeyId: 'AKIDENV',
      secretAccessKey: 'env-secret',
      sessionToken: 'tok',
    });
  });

  it('the handler answers {} and logs the missing credentials by name', async () => {
    const records: LoginLogRecord[] = [];
    const handler = createHandler({
      client: createSecretsManagerClient({ env: { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } }),
      log: (record) => records.push(record),
    });
    expect(await handler({ username: 'alice', password: 'Some-Pass-1', protocol: 'SFTP', serverId: SERVER, sourceIp: '127.0.0.1' })).toEqual({});
    expect(records).toEqual([expect.objectContaining({ decision: 'deny', reason: 'SECRETS_MANAGER_ERROR', errorName: 'CredentialsProviderError' })]);
  });

  it('the handler bounds the read by the Lambda’s remaining time', async () => {
    const deadlines: (number | undefined)[] = [];
    const handler = createHandler({
      client: {
        getSecretValue: (_input, options) => {
          deadlines.push(options?.deadline);
          return Promise.reject(Object.assign(new Error('x'), { name: 'ResourceNotFoundException' }));
        },
      },
      log: () => undefined,
    });
    const event = { username: 'alice', password: 'Some-Pass-1', protocol: 'SFTP', serverId: SERVER, sourceIp: '127.0.0.1' };
    const before = Date.now();
    await handler(event, { awsRequestId: 'r', getRemainingTimeInMillis: () => 10_000 });
    await handler(event);
    expect(deadlines[0]).toBeGreaterThanOrEqual(before + 10_000 - 2_000);
    expect(deadlines[0]).toBeLessThanOrEqual(Date.now() + 10_000 - 2_000);
    expect(deadlines[1]).toBeUndefined();
  });
});
