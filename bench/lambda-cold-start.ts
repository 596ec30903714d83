// The Lambda's cold start beside the SDK-based designs it replaces, each built with the same
// settings and started in fresh processes, interleaved so that every design sees the same load.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { buildLambda, bundlePath } from '../lambda/build';
import { lambdaRuntimeNode } from '../scripts/lambda-runtime';
import { ms, percentile } from './stats';

type Design = { label: string; bundle: string };
type Samples = { importWall: number[]; importCpu: number[]; firstLogin: number[] };

/**
 * One cold start in a fresh process: the bundle's import (wall, and CPU, which counts helper threads
 * too), then import plus the first login against the local stack: what Transfer waits for.
 */
async function coldStart(node: string, bundle: string, env: Record<string, string>, event: object) {
  // process.hrtime, not performance.now(), whose first call loads node:perf_hooks: the clock must not
  // load, before the import, something a design would otherwise pay for itself.
  const script = `
    const now = () => Number(process.hrtime.bigint()) / 1e6;
    const c = process.cpuUsage(); const t = now();
    const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
    const w = now() - t; const u = process.cpuUsage(c);
    const answer = await handler(${JSON.stringify(event)}, { awsRequestId: 'bench', getRemainingTimeInMillis: () => 10000 });
    const f = now() - t;
    if (!answer.Role) throw new Error('the first login was refused');
    process.stdout.write('COLD ' + JSON.stringify([w, (u.user + u.system) / 1000, f]) + '\\n');`;
  // Not execFileSync: the local stack answering the first login runs in this process.
  const { stdout: out } = await promisify(execFile)(node, ['--no-warnings', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
  });
  const line = out.split('\n').find((l) => l.startsWith('COLD '));
  if (!line) throw new Error(`No figures from ${bundle}: ${out}`);
  const [importWall, importCpu, firstLogin] = JSON.parse(line.slice('COLD '.length)) as [number, number, number];
  return { importWall, importCpu, firstLogin };
}

const p50 = (samples: number[]) => percentile(samples, 50);
const share = (ours: number[], theirs: number[]) => `${((100 * p50(ours)) / p50(theirs)).toFixed(0)}%`;

/** `event` must be a login the stack at `endpoint` allows (a plaintext password keeps argon2 out of it). */
export async function coldStartComparison(endpoint: string, event: object, runs: number): Promise<void> {
  const designsDir = mkdtempSync(path.join(tmpdir(), 'bench-lambda-designs-'));
  try {
    const { bundleBytes, zipBytes } = await buildLambda();
    const designs: Design[] = [{ label: 'this bundle (own client, no zod)', bundle: bundlePath }];
    for (const [label, name] of [
      ['SDK client, same handler', 'sdk-client'],
      ['before: SDK client + zod schemas', 'before'],
    ] as const) {
      const outDir = path.join(designsDir, name);
      await buildLambda({ entry: path.join(import.meta.dirname, 'lambda-designs', `${name}.ts`), outDir });
      designs.push({ label, bundle: path.join(outDir, `${name}.mjs`) });
    }
    const [ours, sdk, before] = designs as [Design, Design, Design];
    const env = {
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_SESSION_TOKEN: 'bench',
    };
    for (const [node, name] of [
      [lambdaRuntimeNode(), 'Node 24 (the Lambda runtime)'],
      [process.execPath, `Node ${process.version} (this machine)`],
    ] as const) {
      if (!node) {
        console.log('cold start on Node 24: skipped (run npm install: its postinstall fills tools/lambda-runtime)');
        continue;
      }
      const results = new Map<Design, Samples>(designs.map((d) => [d, { importWall: [], importCpu: [], firstLogin: [] }]));
      for (let i = 0; i < runs; i++) {
        for (const design of designs) {
          const one = await coldStart(node, design.bundle, env, event);
          const into = results.get(design)!;
          into.importWall.push(one.importWall);
          into.importCpu.push(one.importCpu);
          into.firstLogin.push(one.firstLogin);
        }
      }
      console.log(`cold start on ${name}, p50 of ${runs} fresh processes each, first login against the local stack:`);
      for (const design of designs) {
        const r = results.get(design)!;
        console.log(
          `  ${design.label.padEnd(34)} import ${ms(p50(r.importWall))} wall, ${ms(p50(r.importCpu))} CPU; import + first login ${ms(p50(r.firstLogin))} wall`,
        );
      }
      const [o, s, b] = [results.get(ours)!, results.get(sdk)!, results.get(before)!];
      console.log(
        `  this bundle / before: import ${share(o.importWall, b.importWall)} wall, ${share(o.importCpu, b.importCpu)} CPU; import + first login ${share(o.firstLogin, b.firstLogin)} (goal: import ≤ 50%)`,
      );
      console.log(
        `  this bundle / SDK client, same handler: import ${share(o.importWall, s.importWall)} wall, ${share(o.importCpu, s.importCpu)} CPU; import + first login ${share(o.firstLogin, s.firstLogin)}`,
      );
    }
    console.log(`bundle ${(bundleBytes / 1024).toFixed(0)} KiB, function.zip ${(zipBytes / 1024).toFixed(0)} KiB (goal < 1024 KiB)`);
  } finally {
    rmSync(designsDir, { recursive: true, force: true });
  }
}
