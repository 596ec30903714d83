// The Lambda's Secrets Manager client: GetSecretValue and nothing else, signed with the SDK's own
// SigV4 signer and retried with the SDK's error classification.
//
// Why hand-written and not @aws-sdk/client-secrets-manager: cold start. Importing the SDK client
// (its middleware stack, credential and config providers, endpoint rules, node-http-handler) takes
// about as long as everything else the Lambda loads together (`npm run bench -- lambda` prints both
// designs side by side), and Transfer waits on it at the first login of every new container. The
// parts that are easy to get subtly wrong come from the SDK's packages: SigV4 from
// @smithy/signature-v4, SHA-256 from @smithy/hash-node, which errors are throttling or transient
// from @smithy/core/retry. What is left here is the wire format of one JSON 1.1 call, the endpoint
// rules of one service, and the retry loop.
//
// Behaviour kept from the SDK (the Lambda's previous client):
// - credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, which Lambda
//   sets for the execution role (no shared config files, IMDS or container credentials: a Lambda
//   function has none of them; their absence fails as CredentialsProviderError);
// - region AWS_REGION; endpoint AWS_ENDPOINT_URL_SECRETS_MANAGER, then AWS_ENDPOINT_URL, unless
//   AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true; AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT with
//   the service's endpoint rules (and the same refusals: FIPS or dual-stack with a custom endpoint);
// - retries in the SDK's standard mode: 3 attempts, throttling, 5xx, timeouts and dropped
//   connections, full-jitter back-off (50 ms base, 1 s for throttling), a retry quota of 500 tokens;
//   and here, no back-off or attempt beyond the deadline the caller gives (the Lambda's time left);
// - a clock skew the service reports is corrected from its Date header and the call retried;
// - errors named by the service's error type (`ResourceNotFoundException`, …), so callers test
//   `error.name` exactly as they did with the SDK; the message never holds a secret value.
import { createRequire } from 'node:module';
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import type { Agent } from 'node:https';
import { isClockSkewError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

export type GetSecretValueInput = { SecretId: string; VersionId?: string; VersionStage?: string };
export type GetSecretValueOutput = {
  ARN?: string;
  Name?: string;
  VersionId?: string;
  SecretString?: string;
  SecretBinary?: Uint8Array;
  VersionStages?: string[];
  CreatedDate?: Date;
};
/** Per call: `deadline` (epoch ms) bounds back-off and attempts, e.g. the Lambda's time left. */
export type CallOptions = { deadline?: number };

/** What the handler needs from a Secrets Manager client. */
export type SecretValueReader = {
  getSecretValue(input: GetSecretValueInput, options?: CallOptions): Promise<GetSecretValueOutput>;
};

/** Environment variables (process.env by default). */
export type Environment = Readonly<Record<string, string | undefined>>;

export type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

export type SecretsManagerClientOptions = {
  /** Defaults to AWS_REGION. */
  region?: string;
  /** Defaults to the environment's configured endpoint, then the service's endpoint for the region. */
  endpoint?: string;
  /** Defaults to the Lambda's environment credentials, read at each call. */
  credentials?: Credentials;
  /** Attempts per call, the first included (the SDK's standard mode: 3). */
  maxAttempts?: number;
  /** Time allowed for one attempt, from connecting to the last byte of the answer. */
  attemptTimeoutMs?: number;
  /** Largest answer read (Secrets Manager's secret limit is 64 KiB; binary comes base64-encoded). */
  maxResponseBytes?: number;
  env?: Environment;
  /** For tests: the jitter source and the clock. */
  random?: () => number;
  now?: () => number;
};

export const GET_SECRET_VALUE_TARGET = 'secretsmanager.GetSecretValue';
const SIGNING_NAME = 'secretsmanager';
const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_ATTEMPT_TIMEOUT_MS = 3_000;
const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024;
// The SDK's standard retry mode (@smithy/core/retry, 2026 configuration).
const TRANSIENT_DELAY_BASE_MS = 50;
const THROTTLING_DELAY_BASE_MS = 1_000;
const MAX_DELAY_MS = 20_000;
const RETRY_QUOTA = 500;
const RETRY_COST = 14;
const THROTTLING_RETRY_COST = 5;

/** A failure of the call, named as the SDK names it (the service's error type, or the client's own). */
export class SecretsManagerError extends Error {
  readonly $metadata: { httpStatusCode?: number; requestId?: string; attempts: number; clockSkewCorrected?: true };
  readonly code?: string;
  declare readonly cause?: Error;
  constructor(name: string, message: string, metadata: { httpStatusCode?: number; requestId?: string; attempts?: number }, cause?: Error) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = name;
    this.$metadata = { attempts: 1, ...metadata };
    const code = (cause as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string') this.code = code;
  }
}

// ---------------------------------------------------------------------------------------------
// Endpoint: the service's endpoint rules (@aws-sdk/client-secrets-manager's endpoint/bdd.js) over the
// SDK's partition table (@aws-sdk/core's partitions.js); a region outside every partition gets the
// aws partition's suffix, as the SDK's `partition()` falls back to it.

const PARTITIONS: { regionPattern: RegExp; dnsSuffix: string; dualStackDnsSuffix: string }[] = [
  { regionPattern: /^cn-\w+-\d+$/, dnsSuffix: 'amazonaws.com.cn', dualStackDnsSuffix: 'api.amazonwebservices.com.cn' },
  { regionPattern: /^eusc-(de)-\w+-\d+$/, dnsSuffix: 'amazonaws.eu', dualStackDnsSuffix: 'api.amazonwebservices.eu' },
  { regionPattern: /^us-iso-\w+-\d+$/, dnsSuffix: 'c2s.ic.gov', dualStackDnsSuffix: 'api.aws.ic.gov' },
  { regionPattern: /^us-isob-\w+-\d+$/, dnsSuffix: 'sc2s.sgov.gov', dualStackDnsSuffix: 'api.aws.scloud' },
  { regionPattern: /^eu-isoe-\w+-\d+$/, dnsSuffix: 'cloud.adc-e.uk', dualStackDnsSuffix: 'api.cloud-aws.adc-e.uk' },
  { regionPattern: /^us-isof-\w+-\d+$/, dnsSuffix: 'csp.hci.ic.gov', dualStackDnsSuffix: 'api.aws.hci.ic.gov' },
  { regionPattern: /^us-gov-\w+-\d+$/, dnsSuffix: 'amazonaws.com', dualStackDnsSuffix: 'api.aws' },
];
const AWS_PARTITION = { dnsSuffix: 'amazonaws.com', dualStackDnsSuffix: 'api.aws' };

const REGION_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const flag = (value: string | undefined) => value?.trim().toLowerCase() === 'true';

/** The endpoint URL a call goes to, resolved as the SDK resolves it from the same settings. */
export function resolveEndpoint(settings: { region?: string; endpoint?: string; env?: Environment }): URL {
  const env = settings.env ?? process.env;
  // The SDK needs a region whatever the endpoint: it is part of every signature.
  const region = settings.region;
  if (!region) throw configError('Region is missing: set AWS_REGION');
  if (!REGION_PATTERN.test(region)) throw configError(`${JSON.stringify(region)} is not a region`);
  const fips = flag(env.AWS_USE_FIPS_ENDPOINT);
  const dualStack = flag(env.AWS_USE_DUALSTACK_ENDPOINT);
  const configured =
    settings.endpoint ??
    (flag(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) ? undefined : env.AWS_ENDPOINT_URL_SECRETS_MANAGER || env.AWS_ENDPOINT_URL || undefined);
  if (configured !== undefined) {
    if (fips) throw configError('Invalid Configuration: FIPS and custom endpoint are not supported');
    if (dualStack) throw configError('Invalid Configuration: Dualstack and custom endpoint are not supported');
    let url: URL;
    try {
      url = new URL(configured);
    } catch {
      throw configError(`The endpoint ${JSON.stringify(configured)} is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw configError(`The endpoint ${url.origin} is neither https nor http`);
    return url;
  }
  const partition = PARTITIONS.find((p) => p.regionPattern.test(region)) ?? AWS_PARTITION;
  const host = fips ? 'secretsmanager-fips' : 'secretsmanager';
  return new URL(`https://${host}.${region}.${dualStack ? partition.dualStackDnsSuffix : partition.dnsSuffix}`);
}

function configError(message: string): SecretsManagerError {
  return new SecretsManagerError('ConfigurationError', message, {});
}

/** The Lambda's credentials, as the SDK's fromEnv provider reads them. */
export function credentialsFromEnv(env: Environment = process.env): Credentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    const missing = [!accessKeyId && 'AWS_ACCESS_KEY_ID', !secretAccessKey && 'AWS_SECRET_ACCESS_KEY'].filter(Boolean).join(' and ');
    throw new SecretsManagerError('CredentialsProviderError', `No credentials: ${missing} not set (Lambda sets them for the execution role)`, {});
  }
  return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Transport. node:http's ES module facade reads every export, WebSocket and friends included, which
// loads undici (~40 ms); require() hands back the CommonJS exports without touching those getters.
const builtin = createRequire(import.meta.url);
type HttpModule = { request(options: RequestOptions, callback: (res: IncomingMessage) => void): ClientRequest; Agent: typeof Agent };

type Answer = { status: number; headers: IncomingMessage['headers']; body: Buffer };

function send(transport: HttpModule, agent: Agent, url: URL, headers: Record<string, string>, body: string, timeoutMs: number, maxBytes: number) {
  return new Promise<Answer>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const request = transport.request(
      { protocol: url.protocol, hostname: url.hostname, port: url.port || undefined, method: 'POST', path: url.pathname || '/', headers, agent },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            request.destroy(
              new SecretsManagerError('ResponseTooLargeError', `The answer is over ${maxBytes} bytes`, { httpStatusCode: response.statusCode }),
            );
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => settle(() => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) })));
        response.on('error', (err) => settle(() => reject(err)));
      },
    );
    // One timer for the whole attempt (a socket timeout would let a trickling answer run on). It is
    // cleared once the attempt settles, so it can never cut a kept-alive socket another call uses.
    const timer = setTimeout(() => {
      if (!settled) request.destroy(new SecretsManagerError('TimeoutError', `No complete answer within ${timeoutMs} ms`, {}));
    }, timeoutMs);
    request.on('error', (err) => settle(() => reject(err)));
    request.end(body);
  });
}

// ---------------------------------------------------------------------------------------------

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The error type as the SDK's JSON protocols read it: header, then `__type`/`code`, without namespace or URI. */
function errorType(answer: Answer, parsed: Record<string, unknown> | null): string | undefined {
  const raw = header(answer.headers['x-amzn-errortype']) ?? parsed?.__type ?? parsed?.code ?? parsed?.Code;
  if (typeof raw !== 'string' || raw === '') return undefined;
  let name = raw.split(':')[0]!;
  if (name.includes('#')) name = name.split('#').pop()!;
  return name;
}

function parseJson(body: Buffer): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function output(parsed: Record<string, unknown>): GetSecretValueOutput {
  const result: GetSecretValueOutput = {};
  if (typeof parsed.ARN === 'string') result.ARN = parsed.ARN;
  if (typeof parsed.Name === 'string') result.Name = parsed.Name;
  if (typeof parsed.VersionId === 'string') result.VersionId = parsed.VersionId;
  if (typeof parsed.SecretString === 'string') result.SecretString = parsed.SecretString;
  if (typeof parsed.SecretBinary === 'string') result.SecretBinary = new Uint8Array(Buffer.from(parsed.SecretBinary, 'base64'));
  if (Array.isArray(parsed.VersionStages)) result.VersionStages = parsed.VersionStages.filter((s): s is string => typeof s === 'string');
  if (typeof parsed.CreatedDate === 'number') result.CreatedDate = new Date(parsed.CreatedDate * 1000);
  return result;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createSecretsManagerClient(options: SecretsManagerClientOptions = {}): SecretValueReader {
  const env = options.env ?? process.env;
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS));
  const attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const region = options.region ?? env.AWS_REGION;

  // Resolved once, as the SDK resolves its configuration when the client is made; a bad setting
  // fails each call (never the import), so the Lambda answers {} and logs the error's name.
  let endpoint: URL | SecretsManagerError;
  try {
    endpoint = resolveEndpoint({ region, endpoint: options.endpoint, env });
  } catch (err) {
    endpoint = err as SecretsManagerError;
  }
  const transport: HttpModule | null =
    endpoint instanceof URL ? (builtin(endpoint.protocol === 'http:' ? 'node:http' : 'node:https') as HttpModule) : null;
  // Keep-alive: a warm container reuses its connection, as the SDK's handler does.
  const agent = transport ? new transport.Agent({ keepAlive: true, maxSockets: 50 }) : null;
  const signer = new SignatureV4({
    service: SIGNING_NAME,
    region: region ?? '', // never signs without one: a missing region fails resolveEndpoint above
    credentials: () => Promise.resolve(options.credentials ?? credentialsFromEnv(env)),
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: false,
  });
  let clockOffsetMs = 0;
  let retryQuota = RETRY_QUOTA;

  async function attempt(url: URL, body: string, timeoutMs: number): Promise<GetSecretValueOutput> {
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname || '/',
        query: {},
        headers: {
          host: url.host,
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': GET_SECRET_VALUE_TARGET,
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'transfer-desk-idp',
        },
        body,
      },
      { signingDate: new Date(now() + clockOffsetMs) },
    );
    const answer = await send(transport!, agent!, url, signed.headers, body, timeoutMs, maxResponseBytes);
    const parsed = parseJson(answer.body);
    const requestId = header(answer.headers['x-amzn-requestid']);
    if (answer.status === 200 && parsed) return output(parsed);
    const name = answer.status === 200 ? 'InvalidResponseError' : (errorType(answer, parsed) ?? `Http${answer.status}Error`);
    const message =
      typeof parsed?.message === 'string' ? parsed.message : typeof parsed?.Message === 'string' ? parsed.Message : `HTTP ${answer.status}`;
    const error = new SecretsManagerError(name, message, { httpStatusCode: answer.status, ...(requestId ? { requestId } : {}) });
    const serverDate = Date.parse(header(answer.headers.date) ?? '');
    if (isClockSkewError(error) && Number.isFinite(serverDate) && Math.abs(serverDate - (now() + clockOffsetMs)) > 5 * 60_000) {
      clockOffsetMs = serverDate - now();
      error.$metadata.clockSkewCorrected = true;
    }
    throw error;
  }

  return {
    async getSecretValue(input, callOptions = {}) {
      if (endpoint instanceof SecretsManagerError) throw endpoint;
      if (typeof input?.SecretId !== 'string' || input.SecretId === '') throw new SecretsManagerError('ValidationError', 'SecretId is required', {});
      const body = JSON.stringify(input);
      const deadline = callOptions.deadline ?? Number.POSITIVE_INFINITY;
      let retryCost = 0;
      for (let attempts = 1; ; attempts++) {
        const timeLeft = deadline - now();
        try {
          const result = await attempt(endpoint, body, Math.max(1, Math.min(attemptTimeoutMs, timeLeft)));
          retryQuota = Math.min(RETRY_QUOTA, retryQuota + (retryCost || 1));
          return result;
        } catch (err) {
          const error =
            err instanceof SecretsManagerError
              ? err
              : new SecretsManagerError(networkErrorName(err), describe(err), {}, err instanceof Error ? err : undefined);
          error.$metadata.attempts = attempts;
          const throttled = isThrottlingError(error);
          // As the SDK's standard mode: throttling and transient errors (500/502/503/504, timeouts, dropped
          // connections) are retried; other 5xx and every 4xx are not.
          const retryable = throttled || isTransientError(error);
          if (!retryable || attempts >= maxAttempts) throw error;
          retryCost = throttled ? THROTTLING_RETRY_COST : RETRY_COST;
          if (retryQuota < retryCost) throw error;
          const base = throttled ? THROTTLING_DELAY_BASE_MS : TRANSIENT_DELAY_BASE_MS;
          const delay = Math.floor(random() * Math.min(base * 2 ** (attempts - 1), MAX_DELAY_MS));
          // The next attempt must have time to finish before the deadline, or it is not worth making.
          if (now() + delay + 1 >= deadline) throw error;
          retryQuota -= retryCost;
          await sleep(delay);
        }
      }
    },
  };
}

/** Node's network errors keep their code (ECONNRESET, …) for the retry rules; the name says what failed. */
function networkErrorName(err: unknown): string {
  if (err instanceof Error && typeof (err as { code?: unknown }).code === 'string') return 'NetworkingError';
  return err instanceof Error ? err.name : 'UnknownError';
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
