// `npm run build:lambda`: the Lambda as ES modules with every dependency bundled (the SDK included, so
// the version that runs is the version that was tested), and the zip to upload. index.mjs holds what
// every login runs; the WebAssembly argon2 fallback sits in a chunk loaded only on runtimes without
// crypto.argon2, so nodejs24.x never parses it at cold start.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { zipSync, type Zippable } from 'fflate';

const lambdaDir = import.meta.dirname;
export const distDir = path.join(lambdaDir, 'dist');
export const bundlePath = path.join(distDir, 'index.mjs');
export const zipPath = path.join(distDir, 'function.zip');

/**
 * zod's `z` namespace re-exports its ~130 translations; the Lambda never reads `z.locales` and its
 * messages are not shown to anyone, so only English is bundled (a third of the bundle otherwise).
 */
const englishZodOnly: Plugin = {
  name: 'english-zod-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]classic$/.test(args.resolveDir) ? { path: 'zod-locales-en', namespace: 'zod-locales' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, () => ({
      contents: `export { default as en } from ${JSON.stringify(createRequire(import.meta.url).resolve('zod/v4/locales/en.js'))};`,
      resolveDir: lambdaDir,
    }));
  },
};

export async function buildLambda(): Promise<{ bundleBytes: number; zipBytes: number }> {
  rmSync(distDir, { recursive: true, force: true });
  mkdirSync(distDir, { recursive: true });
  await build({
    entryPoints: [path.join(lambdaDir, 'index.ts')],
    outdir: distDir,
    outExtension: { '.js': '.mjs' },
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    splitting: true,
    bundle: true,
    platform: 'node',
    // The template's runtime, nodejs24.x.
    target: 'node24',
    // The SDK's ES module build: tree-shaking keeps only the client code the handler reaches.
    mainFields: ['module', 'main'],
    format: 'esm',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [englishZodOnly],
    // Some bundled CommonJS calls require(); ESM on Lambda has no require unless it is created.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  const files = readdirSync(distDir).filter((name) => name.endsWith('.mjs'));
  // A fixed timestamp keeps the zip byte-for-byte reproducible.
  const entries: Zippable = {};
  for (const name of files.sort()) entries[name] = [readFileSync(path.join(distDir, name)), { level: 9, mtime: new Date('2020-01-01T00:00:00Z') }];
  const zip = zipSync(entries);
  writeFileSync(zipPath, zip);
  return { bundleBytes: statSync(bundlePath).size, zipBytes: zip.length };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { bundleBytes, zipBytes } = await buildLambda();
  console.log(`lambda/dist/index.mjs ${(bundleBytes / 1024).toFixed(0)} KiB, lambda/dist/function.zip ${(zipBytes / 1024).toFixed(0)} KiB`);
}
