// The Secrets Manager client of bulk jobs. The console's shared clients retry in adaptive mode,
// whose client-side rate limiter slows every later call after a few throttles (measured: 100 rows
// with 10 % throttled took 47 s instead of 12 s). A bulk job paces itself instead (rateLimiter,
// withBackoff), so its client uses standard retries; it follows the shared client's region,
// endpoint and credentials, so tests and benches that point the console elsewhere point this too.
import 'server-only';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { FinalizeRequestMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { aws } from '../../aws/clients';
import type { SecretsManagerSender } from '../users/shared';

const derived = new WeakMap<SecretsManagerClient, SecretsManagerClient>();

export function bulkSecretsManager(): SecretsManagerClient {
  const shared = aws().secretsManager;
  let client = derived.get(shared);
  if (!client) {
    const config = shared.config;
    client = new SecretsManagerClient({
      region: config.region,
      credentials: config.credentials,
      ...(config.isCustomEndpoint && config.endpoint ? { endpoint: config.endpoint } : {}),
      retryMode: 'standard',
      maxAttempts: 3,
    });
    derived.set(shared, client);
  }
  return client;
}

/**
 * bulkSecretsManager for one job, paced: every attempt of a paced operation (the SDK's own retries
 * included) first waits for its limiter; operations that share one Secrets Manager quota share one
 * limiter. The pacing rides on each command (its own middleware stack), so the job shares the bulk
 * client, its connections and anything added to it.
 */
export function pacedSecretsManager(
  pacing: Readonly<Record<string, () => Promise<void>>>,
  onAttempt?: (attempt: number, command: string) => void,
): SecretsManagerSender {
  const pace: FinalizeRequestMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
    const command = String(context.commandName);
    await pacing[command]?.();
    // The retry middleware numbers each attempt in this header before calling the next step.
    const header = (args.request as { headers?: Record<string, string> } | undefined)?.headers?.['amz-sdk-request'];
    onAttempt?.(Number(/attempt=(\d+)/.exec(header ?? '')?.[1] ?? 1), command);
    return next(args);
  };
  const paced = new WeakSet<object>();
  const send = (command: { middlewareStack: MiddlewareStack<object, MetadataBearer> }, ...rest: unknown[]) => {
    if (!paced.has(command)) {
      // Low priority in the finalizeRequest step runs inside the retry middleware: once per attempt.
      command.middlewareStack.add(pace, { step: 'finalizeRequest', priority: 'low', name: 'bulkPacing' });
      paced.add(command);
    }
    return (bulkSecretsManager().send as (...args: unknown[]) => unknown)(command, ...rest);
  };
  return { send: send as unknown as SecretsManagerClient['send'] };
}
