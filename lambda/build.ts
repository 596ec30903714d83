// `npm run build:lambda`: the Lambda as ES modules with every dependency bundled (the runtime's own
// SDK is never used, so the version that runs is the version that was tested), and the zip to
// upload. index.mjs holds what every login runs; the WebAssembly argon2 fallback sits in a chunk
// loaded only on runtimes without crypto.argon2, so nodejs24.x never parses it at cold start. What a
// cold start loads is kept small on purpose (no AWS SDK client, no zod): tests/unit/lambda-bundle.test.ts.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { zipSync, type Zippable } from 'fflate';

const lambdaDir = import.meta.dirname;
export const distDir = path.join(lambdaDir, 'dist');
export const bundlePath = path.join(distDir, 'index.mjs');
export const zipPath = path.join(distDir, 'function.zip');

const require = createRequire(import.meta.url);

/**
 * `import { z } from 'zod'` hands the bundler one namespace object, so all of zod (~440 KiB) is kept
 * and evaluated at cold start. Read as `import * as z` from zod's classic module, each `z.string`
 * is a static member the bundler can follow, and only the schemas the contract uses are kept. The
 * source stays as it is (the console's Next build is unaffected); a file that imports zod in any
 * other way is bundled unchanged.
 */
const zodNamespaceImport: Plugin = {
  name: 'zod-namespace-import',
  setup(build) {
    const classic = path.join(path.dirname(require.resolve('zod')), 'v4', 'classic', 'external.js');
    if (!existsSync(classic)) return;
    build.onLoad({ filter: /[\\/]lib[\\/].*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const rewritten = source.replace(/^import \{ z \} from 'zod';$/m, `import * as z from ${JSON.stringify(classic)};`);
      return { contents: rewritten, loader: 'ts' };
    });
  },
};

/**
 * ipaddr.js (CommonJS, which cannot declare itself free of side effects) is the console's CIDR
 * parser, reached through lib/secret/cidr.ts. Loading it does nothing but define functions, so the
 * bundler may leave it out where nothing uses it: the Lambda checks networks with node:net.
 */
const sideEffectFreePackages: Plugin = {
  name: 'side-effect-free-packages',
  setup(build) {
    build.onResolve({ filter: /^ipaddr\.js$/ }, (args) => ({ path: require.resolve(args.path, { paths: [args.resolveDir] }), sideEffects: false }));
  },
};

export type LambdaBuild = {
  bundleBytes: number;
  zipBytes: number;
  /** Every source file in the code a cold start loads: the entry and the chunks it imports statically. */
  coldStartInputs: string[];
};

/**
 * Builds the Lambda into lambda/dist (or `entry` into `outDir`: the bench builds its reference
 * designs with the same settings).
 */
export async function buildLambda(options: { entry?: string; outDir?: string } = {}): Promise<LambdaBuild> {
  const outDir = options.outDir ?? distDir;
  const entry = options.entry ?? path.join(lambdaDir, 'index.ts');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const { metafile } = await build({
    entryPoints: [entry],
    metafile: true,
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    splitting: true,
    bundle: true,
    platform: 'node',
    // The template's runtime, nodejs24.x.
    target: 'node24',
    // ES module builds first (the @smithy packages'): tree-shaking keeps only the code the handler reaches.
    mainFields: ['module', 'main'],
    format: 'esm',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [zodNamespaceImport, sideEffectFreePackages],
    // Some bundled CommonJS calls require(); ESM on Lambda has no require unless it is created.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  const files = readdirSync(outDir).filter((name) => name.endsWith('.mjs'));
  // A fixed timestamp keeps the zip byte-for-byte reproducible.
  const entries: Zippable = {};
  for (const name of files.sort()) entries[name] = [readFileSync(path.join(outDir, name)), { level: 9, mtime: new Date('2020-01-01T00:00:00Z') }];
  const zip = zipSync(entries);
  writeFileSync(path.join(outDir, 'function.zip'), zip);
  const entryOutput = Object.keys(metafile.outputs).find((name) => metafile.outputs[name]!.entryPoint !== undefined)!;
  const loaded = new Set<string>();
  const visit = (output: string) => {
    if (loaded.has(output) || !metafile.outputs[output]) return;
    loaded.add(output);
    for (const imported of metafile.outputs[output].imports) if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(entryOutput);
  const coldStartInputs = [...loaded].flatMap((output) => Object.keys(metafile.outputs[output]!.inputs));
  return { bundleBytes: statSync(path.resolve(entryOutput)).size, zipBytes: zip.length, coldStartInputs };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { bundleBytes, zipBytes } = await buildLambda();
  console.log(`lambda/dist/index.mjs ${(bundleBytes / 1024).toFixed(0)} KiB, lambda/dist/function.zip ${(zipBytes / 1024).toFixed(0)} KiB`);
}
