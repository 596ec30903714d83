// The identity-provider Lambda: Transfer calls it at every login. It reads the user's secret and
// answers with the decision of lib/idp. It never throws at Transfer: every failure is `{}`.
import { decideLogin, readLoginEvent, type IdpResponse, type ReasonCode } from '../lib/idp/decide-login';
import { DEFAULT_SECRET_PREFIX, secretName } from '../lib/secret/contract';
import { createSecretsManagerClient, type SecretValueReader } from './secrets-manager';

export type { IdpEvent, IdpResponse } from '../lib/idp/decide-login';
// The local stack builds its handlers with the same client as the shipped Lambda (local/ imports only this file).
export { createSecretsManagerClient, type SecretValueReader, type SecretsManagerClientOptions } from './secrets-manager';

/** One JSON line per login: the decision and its reason, never a password, hash or secret value. */
export type LoginLogRecord = {
  level: 'info' | 'warn' | 'error';
  event: 'login';
  decision: 'allow' | 'deny';
  // PUBLIC_KEY_NOT_ON_FILE is never the Lambda's: the local SFTP endpoint writes it beside the Lambda's line.
  reason: ReasonCode | 'USER_PENDING_DELETION' | 'SECRETS_MANAGER_ERROR' | 'INTERNAL_ERROR' | 'PUBLIC_KEY_NOT_ON_FILE';
  serverId: string | null;
  username: string | null;
  protocol: string | null;
  sourceIp: string | null;
  method: 'password' | 'publickey' | null;
  /** The Lambda invocation's id (`context.awsRequestId`), null when called without a context. */
  requestId: string | null;
  /** True on the first invocation this container serves. */
  coldStart: boolean;
  latencyMs: number;
  errorName?: string;
  /** `SHA256:…` of an offered key; written only by an endpoint that sees the key (the local one). */
  keyFingerprint?: string;
};

/** The part of the Lambda context the handler reads. */
export type InvocationContext = { awsRequestId?: unknown; getRemainingTimeInMillis?: () => number };

/**
 * Time kept back from the Lambda's remaining time when bounding Secrets Manager retries: the
 * argon2id verify after the read (about 1.5 s at worst on 256 MB, see lambda/template.yaml) and the log line.
 */
export const TIME_RESERVED_AFTER_READ_MS = 2_000;

export type HandlerOptions = {
  /** GetSecretValue: the Lambda's own client by default (lambda/secrets-manager.ts), from the environment. */
  client?: SecretValueReader;
  secretPrefix?: string;
  log?: (record: LoginLogRecord) => void;
  now?: () => Date;
};

function safeString(value: unknown, max = 256): string | null {
  return typeof value === 'string' ? value.slice(0, max) : null;
}

const writeLog = (record: LoginLogRecord) => process.stdout.write(`${JSON.stringify(record)}\n`);

export function createHandler(options: HandlerOptions = {}): (event: unknown, context?: InvocationContext) => Promise<IdpResponse> {
  const client = options.client ?? createSecretsManagerClient();
  const prefix = options.secretPrefix ?? process.env.SECRET_PREFIX ?? DEFAULT_SECRET_PREFIX;
  const log = options.log ?? writeLog;
  const now = options.now ?? (() => new Date());

  let coldStart = true;

  return async function handler(event: unknown, context?: InvocationContext): Promise<IdpResponse> {
    // process.hrtime, not performance.now(): the first touch of the `performance` global loads
    // node:perf_hooks (up to ~20 ms on Node 24), which a cold start would pay at its first login.
    const started = process.hrtime.bigint();
    const firstInvocation = coldStart;
    coldStart = false;
    const raw = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
    const base = {
      event: 'login' as const,
      serverId: safeString(raw.serverId, 64),
      username: safeString(raw.username, 128),
      protocol: safeString(raw.protocol, 8),
      sourceIp: safeString(raw.sourceIp, 64),
      method: typeof raw.password === 'string' && raw.password !== '' ? ('password' as const) : ('publickey' as const),
      requestId: safeString(context?.awsRequestId, 64),
      coldStart: firstInvocation,
    };
    const finish = (decision: 'allow' | 'deny', reason: LoginLogRecord['reason'], level: LoginLogRecord['level'] = 'info', errorName?: string) => {
      try {
        log({
          level,
          ...base,
          decision,
          reason,
          latencyMs: Math.round(Number(process.hrtime.bigint() - started) / 1000) / 1000,
          ...(errorName ? { errorName } : {}),
        });
      } catch {
        // A broken logger must not turn into an error at Transfer.
      }
    };

    try {
      const login = readLoginEvent(event);
      if (!login) {
        finish('deny', 'INVALID_EVENT', 'warn');
        return {};
      }
      let secretString: string | null;
      try {
        const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : NaN;
        const deadline = Number.isFinite(remaining) ? Date.now() + remaining - TIME_RESERVED_AFTER_READ_MS : undefined;
        const result = await client.getSecretValue({ SecretId: secretName(login.serverId, login.username, prefix) }, { deadline });
        secretString = result.SecretString ?? (result.SecretBinary ? Buffer.from(result.SecretBinary).toString('utf8') : null);
      } catch (err) {
        const name = err instanceof Error ? err.name : 'UnknownError';
        if (name === 'ResourceNotFoundException') {
          secretString = null;
        } else if (name === 'InvalidRequestException') {
          // A secret scheduled for deletion: the user was deleted and may still be restored.
          finish('deny', 'USER_PENDING_DELETION', 'info');
          return {};
        } else {
          finish('deny', 'SECRETS_MANAGER_ERROR', 'error', name);
          return {};
        }
      }
      const decision = await decideLogin(login, secretString, now());
      finish(decision.allowed ? 'allow' : 'deny', decision.reason);
      return decision.response;
    } catch (err) {
      finish('deny', 'INTERNAL_ERROR', 'error', err instanceof Error ? err.name : 'UnknownError');
      return {};
    }
  };
}
