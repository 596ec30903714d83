// What a cold start of the built Lambda loads: its own Secrets Manager client and the login decision,
// not the SDK's client nor zod (the contract's schemas are the console's; the Lambda reads secrets with
// plain readers). Either one back in the bundle costs tens of milliseconds at every new container;
// `npm run bench -- lambda` measures it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLambda } from '@/lambda/build';

const outDir = mkdtempSync(path.join(tmpdir(), 'lambda-bundle-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const packageOf = (input: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? null;

describe('the Lambda bundle’s cold start', () => {
  it('loads no AWS SDK client and no zod, only the SDK’s signer and retry rules', async () => {
    const { coldStartInputs } = await buildLambda({ outDir });
    const packages = new Set(coldStartInputs.map(packageOf).filter((name) => name !== null));
    expect([...packages].filter((name) => name.startsWith('@aws-sdk/') || name === 'zod')).toEqual([]);
    expect([...packages].sort()).toEqual(['@smithy/core', '@smithy/hash-node', '@smithy/signature-v4', '@smithy/types']);
    // The handler, the login decision and the contract's readers are in it.
    for (const file of ['lambda/handler.ts', 'lambda/secrets-manager.ts', 'lib/idp/decide-login.ts', 'lib/secret/contract.ts']) {
      expect(coldStartInputs).toContain(file);
    }
  }, 60_000);

  it('would show zod if a schema were built at import', async () => {
    // The check above can fail: an entry that uses a schema brings zod into the cold start.
    const { coldStartInputs } = await buildLambda({ entry: path.join(import.meta.dirname, '../fixtures/lambda-entry-with-schema.ts'), outDir });
    expect(coldStartInputs.map(packageOf)).toContain('zod');
  }, 60_000);
});
