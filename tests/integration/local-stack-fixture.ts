// Starts an embedded local stack on an ephemeral loopback port with its own data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
