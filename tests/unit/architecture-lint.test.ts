import path from 'node:path';
import { ESLint } from 'eslint';
import importPlugin from 'eslint-plugin-import';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { architecture } from '../../eslint.architecture.mjs';

const root = path.resolve(import.meta.dirname, '../..');

// The architecture rules alone (no type-aware rules), with the resolver the project's config uses.
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    {
      files: ['**/*.{ts,tsx}'],
      languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } },
      plugins: { import: importPlugin },
      settings: {
        'import/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
        'import/resolver': { typescript: { alwaysTryTypes: true }, node: { extensions: ['.js', '.ts', '.tsx'] } },
      },
    },
    ...architecture,
  ],
});

/** The rule ids and messages ESLint reports for `code` placed at `file` (relative to the repository). */
async function violations(file: string, code: string): Promise<{ rule: string | null; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  if (!result) throw new Error(`ESLint returned no result for ${file}`);
  return result.messages.map((m) => ({ rule: m.ruleId, message: m.message }));
}

const paths = (message: RegExp) => [{ rule: 'import/no-restricted-paths', message: expect.stringMatching(message) as string }];
const packages = (message: RegExp) => [{ rule: 'no-restricted-imports', message: expect.stringMatching(message) as string }];

describe('architecture import rules', () => {
  it('lets each folder import what docs/architecture.md allows', async () => {
    expect(
      await violations(
        'lambda/fixture.ts',
        "import { SignatureV4 } from '@smithy/signature-v4';\nimport { Hash } from '@smithy/hash-node';\nimport { isThrottlingError } from '@smithy/core/retry';\nimport { decideLogin } from '../lib/idp/decide-login';\nimport { verifyPassword } from '@/lib/secret/password';\nimport { readFileSync } from 'node:fs';\nexport { SignatureV4, Hash, isThrottlingError, decideLogin, verifyPassword, readFileSync };",
      ),
    ).toEqual([]);
    expect(
      await violations(
        'lib/secret/fixture.ts',
        "import { z } from 'zod';\nimport ipaddr from 'ipaddr.js';\nimport { argon2id } from 'hash-wasm';\nimport { createHash } from 'node:crypto';\nexport { z, ipaddr, argon2id, createHash };",
      ),
    ).toEqual([]);
    expect(
      await violations(
        'local/fixture.ts',
        "import { createHandler } from '../lambda/handler';\nimport { parseStoredSecret } from '../lib/secret/contract';\nexport { createHandler, parseStoredSecret };",
      ),
    ).toEqual([]);
    expect(
      await violations(
        'components/fixture.tsx',
        "import Link from 'next/link';\nimport { FIELD } from '@/lib/console/user-form-fields';\nimport { signOut } from 'next-auth/react';\nexport { Link, FIELD, signOut };",
      ),
    ).toEqual([]);
    expect(await violations('app/fixture.ts', "import { listUsers } from '@/lib/console/users';\nexport { listUsers };")).toEqual([]);
  });

  it('reports lib/ importing the console, by relative path or alias', async () => {
    expect(await violations('lib/console/fixture.ts', "import { CopyButton } from '../../components/copy-button';\nexport { CopyButton };")).toEqual(
      paths(/never imports the console/),
    );
    expect(await violations('lib/auth/fixture.ts', "import { CopyButton } from '@/components/copy-button';\nexport { CopyButton };")).toEqual(
      paths(/never imports the console/),
    );
  });

  it('reports the contract importing React, Next, server-only, the AWS SDK or the console data layer', async () => {
    expect(await violations('lib/secret/fixture.ts', "import 'server-only';")).toEqual(packages(/only node built-ins, zod/));
    expect(await violations('lib/idp/fixture.ts', "import { useState } from 'react';\nexport { useState };")).toEqual(packages(/no React, Next/));
    expect(
      await violations(
        'lib/idp/fixture.ts',
        "import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';\nexport { SecretsManagerClient };",
      ),
    ).toEqual(packages(/AWS SDK/));
    expect(await violations('lib/secret/fixture.ts', "import { consoleMessage } from '../console/errors';\nexport { consoleMessage };")).toEqual(
      paths(/contract shared with the Lambda/),
    );
  });

  it('reports the Lambda importing anything but lib/secret, lib/idp and its own client’s SDK packages', async () => {
    expect(await violations('lambda/fixture.ts', "import { TransferClient } from '@aws-sdk/client-transfer';\nexport { TransferClient };")).toEqual(
      packages(/Lambda imports only/),
    );
    // The SDK's Secrets Manager client is what the Lambda's own client replaces: it costs the cold start.
    expect(
      await violations(
        'lambda/fixture.ts',
        "import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';\nexport { SecretsManagerClient };",
      ),
    ).toEqual(packages(/no AWS SDK client/));
    expect(await violations('lambda/fixture.ts', "import { consoleMessage } from '../lib/console/errors';\nexport { consoleMessage };")).toEqual(
      paths(/Lambda imports only/),
    );
    expect(await violations('lambda/fixture.ts', "import { startLocalStack } from '../local/server';\nexport { startLocalStack };")).toEqual(
      paths(/Lambda imports only/),
    );
  });

  it('reports components/ reaching for data or server-only code', async () => {
    expect(await violations('components/fixture.tsx', "import { listUsers } from '@/lib/console/users';\nexport { listUsers };")).toEqual(
      paths(/only the browser-safe/),
    );
    expect(await violations('components/fixture.tsx', "import { getActor } from '../lib/auth/session';\nexport { getActor };")).toEqual(
      paths(/no data access/),
    );
    expect(await violations('components/fixture.tsx', "import 'server-only';")).toEqual(packages(/no data access/));
    expect(
      await violations(
        'components/fixture.tsx',
        "import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';\nexport { SecretsManagerClient };",
      ),
    ).toEqual(packages(/no data access/));
  });

  it('reports local/ importing the console or the Lambda beyond its handler', async () => {
    expect(await violations('local/fixture.ts', "import { listUsers } from '../lib/console/users';\nexport { listUsers };")).toEqual(
      paths(/local\/ imports only/),
    );
    expect(await violations('local/sftp/fixture.ts', "import { handler } from '../../lambda/index';\nexport { handler };")).toEqual(
      paths(/only lambda\/handler/),
    );
  });

  it('reports the console importing the local stack', async () => {
    expect(await violations('app/fixture.ts', "import { startLocalStack } from '@/local/server';\nexport { startLocalStack };")).toEqual(
      paths(/never the local stack/),
    );
  });
});
