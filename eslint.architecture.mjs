// docs/architecture.md's import rules as lint rules: which folder may import which (resolved paths,
// so relative and `@/` imports count alike) and which packages the runtime-neutral code may use.
// eslint.config.mjs applies this; tests/unit/architecture-lint.test.ts proves violations are reported.

const CONTRACT = ['lib/secret/**/*.{ts,tsx}', 'lib/idp/**/*.{ts,tsx}'];
const LAMBDA = ['lambda/**/*.{ts,tsx}'];
/** The Lambda's build script is tooling (esbuild, fflate), not code that ships in the bundle. */
const LAMBDA_TOOLING = ['lambda/build.ts'];
const COMPONENTS = ['components/**/*.{ts,tsx}'];

const zone = (target, from, message, except) => ({ target, from, message, ...(except ? { except } : {}) });

/** Folder-to-folder rules, checked on the resolved file (import/no-restricted-paths). */
export const folderZones = [
  zone(
    './lib',
    ['./app', './components', './proxy.ts', './local', './lambda', './scripts', './bench', './tests'],
    'lib/ is the domain and data layer: it never imports the console (app/, components/), the runtimes that use it or tooling.',
  ),
  zone(
    ['./lib/secret', './lib/idp'],
    ['./lib/aws', './lib/console', './lib/auth'],
    "lib/secret and lib/idp are the contract shared with the Lambda: they never import the console's data layer or sign-in.",
  ),
  zone(
    './lambda',
    ['./lib/aws', './lib/console', './lib/auth', './app', './components', './proxy.ts', './local', './scripts', './bench', './tests'],
    'The Lambda imports only lib/secret, lib/idp and its own Secrets Manager client.',
  ),
  zone(
    './components',
    ['./lib/aws', './lib/auth', './app', './local', './lambda', './scripts', './bench'],
    'components/ are presentational: no data access, no sign-in, no routes.',
  ),
  zone(
    './components',
    './lib/console',
    'components/ are presentational: from lib/console only the browser-safe field names, checks and connection text.',
    ['./user-form-fields.ts', './browser-checks.ts', './connection.ts'],
  ),
  zone(
    ['./app', './proxy.ts'],
    ['./local', './lambda', './scripts', './bench', './tests'],
    'The console imports lib/* only, never the local stack, the Lambda or tooling.',
  ),
  zone(
    './local',
    ['./app', './components', './proxy.ts', './lib/aws', './lib/console', './lib/auth', './scripts', './bench', './tests'],
    'local/ imports only lambda/handler, lib/secret and lib/idp.',
  ),
  zone('./local', './lambda', 'local/ imports only lambda/handler from the Lambda.', ['./handler.ts']),
];

/** @type {import('eslint').Linter.Config[]} */
export const architecture = [
  {
    files: ['**/*.{ts,tsx,mts,cts,js,mjs}'],
    rules: { 'import/no-restricted-paths': ['error', { zones: folderZones }] },
  },
  {
    files: CONTRACT,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\.|node:|zod$|zod/|hash-wasm$|ipaddr\\.js$|@/lib/(secret|idp)/)',
              message:
                'lib/secret and lib/idp run in the console, the browser and the Lambda: only node built-ins, zod, hash-wasm and ipaddr.js (no React, Next, server-only or AWS SDK).',
            },
          ],
        },
      ],
    },
  },
  {
    files: LAMBDA,
    ignores: LAMBDA_TOOLING,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\.|node:|@smithy/signature-v4$|@smithy/hash-node$|@smithy/core/retry$|@/lib/(secret|idp)/)',
              message:
                'The Lambda imports only lib/secret, lib/idp, node built-ins and the SDK packages its own Secrets Manager client uses (@smithy/signature-v4, @smithy/hash-node, @smithy/core/retry): no AWS SDK client, it costs its cold start.',
            },
          ],
        },
      ],
    },
  },
  {
    files: COMPONENTS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(server-only|next-auth|next-auth/next|next/headers|next/cache)$|^@aws-sdk/',
              message: 'components/ are presentational and reach the browser: no data access or server-only code.',
            },
            { regex: '^node:', message: 'components/ reach the browser: no node built-ins.' },
          ],
        },
      ],
    },
  },
];
