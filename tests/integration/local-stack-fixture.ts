// Starts an embedded local stack on an ephemeral loopback port with its own data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { InitializeMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { configureAwsClients } from '@/lib/aws/clients';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '@/local/server';

export type TestStack = LocalStack & {
  clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  dispose(): Promise<void>;
};

export async function startTestStack(options: Partial<LocalStackOptions> = {}): Promise<TestStack> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'transfer-desk-stack-'));
  const stack = await startLocalStack({ port: 0, seed: false, ...options, dataDir });
  return {
    ...stack,
    clientConfig: { endpoint: stack.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } },
    async dispose() {
      await stack.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Points the console's AWS clients at the test stack, with `maxAttempts` per call, and tells `onCall`
 * the name of every command they send (once per call, before its retries).
 */
export function pointConsoleAt(
  stack: TestStack,
  options: { maxAttempts: number; onCall: (command: string) => void },
): ReturnType<typeof configureAwsClients> {
  const clients = configureAwsClients({ ...stack.clientConfig, maxAttempts: options.maxAttempts });
  const counter: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
    options.onCall(String(context.commandName));
    return next(args);
  };
  for (const client of Object.values(clients))
    (client.middlewareStack as MiddlewareStack<object, MetadataBearer>).add(counter, { step: 'initialize' });
  return clients;
}
