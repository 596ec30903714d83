// `npm run build:lambda`: one ES module with every dependency bundled (the SDK included, so the
// version that runs is the version that was tested), and the zip to upload.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { zipSync } from 'fflate';

const lambdaDir = import.meta.dirname;
export const distDir = path.join(lambdaDir, 'dist');
export const bundlePath = path.join(distDir, 'index.mjs');
export const zipPath = path.join(distDir, 'function.zip');

export async function buildLambda(): Promise<{ bundleBytes: number; zipBytes: number }> {
  mkdirSync(distDir, { recursive: true });
  await build({
    entryPoints: [path.join(lambdaDir, 'index.ts')],
    outfile: bundlePath,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    // Some bundled CommonJS calls require(); ESM on Lambda has no require unless it is created.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  // A fixed timestamp keeps the zip byte-for-byte reproducible.
  const zip = zipSync({ 'index.mjs': [readFileSync(bundlePath), { level: 9, mtime: new Date('2020-01-01T00:00:00Z') }] });
  writeFileSync(zipPath, zip);
  return { bundleBytes: statSync(bundlePath).size, zipBytes: zip.length };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { bundleBytes, zipBytes } = await buildLambda();
  console.log(`lambda/dist/index.mjs ${(bundleBytes / 1024).toFixed(0)} KiB, lambda/dist/function.zip ${(zipBytes / 1024).toFixed(0)} KiB`);
}
