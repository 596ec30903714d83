import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nextVitals from 'eslint-config-next/core-web-vitals';
import prettierConfig from 'eslint-config-prettier/flat';
import { architecture } from './eslint.architecture.mjs';

export default tseslint.config(
  {
    ignores: [
      '.next/**',
      'node_modules/**',
      'lambda/dist/**',
      '.local-aws/**',
      'test-results/**',
      'playwright-report/**',
      'next-env.d.ts',
      'tools/**',
    ],
  },
  js.configs.recommended,
  ...nextVitals,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [...tseslint.configs.recommended],
  },
  {
    // Playwright fixtures call `use`, which is not React's hook.
    files: ['tests/e2e/**'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
  // docs/architecture.md's import rules (which folder may import which).
  ...architecture,
  // Layout is Prettier's job (`npm run format`); no lint rule argues with it.
  prettierConfig,
);
