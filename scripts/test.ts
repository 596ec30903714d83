// `npm test`: every test the project has — vitest (unit and integration against the embedded
// local stack) and then Playwright — with one closing line of totals for CI.
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, runCommand } from './next-build';

const resultsDir = path.join(repoRoot, 'test-results', 'summary');
const vitestJson = path.join(resultsDir, 'vitest.json');
const playwrightJson = path.join(resultsDir, 'playwright.json');

type Totals = { passed: number; failed: number; skipped: number };

function vitestTotals(): Totals | null {
  if (!existsSync(vitestJson)) return null;
  const report = JSON.parse(readFileSync(vitestJson, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests };
}

function playwrightTotals(): Totals | null {
  if (!existsSync(playwrightJson)) return null;
  const report = JSON.parse(readFileSync(playwrightJson, 'utf8')) as {
    stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  };
  const { expected, unexpected, flaky, skipped } = report.stats;
  return { passed: expected + flaky, failed: unexpected, skipped };
}

async function step(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<boolean> {
  console.log(`\n=== ${name} ===`);
  try {
    await runCommand(command, args, env);
    return true;
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    return false;
  }
}

// A fresh machine: install the Debian packages the suite needs when we can (root with apt-get),
// otherwise stop at once with the exact command to run.
try {
  await runCommand('bash', [path.join(repoRoot, 'scripts/system-packages.sh'), '--install'], process.env);
} catch {
  process.exit(1);
}

rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });
const tsx = path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs');
const vitest = path.join(repoRoot, 'node_modules/vitest/vitest.mjs');

const unitOk = await step(
  'vitest',
  process.execPath,
  [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`],
  process.env,
);
const e2eOk = await step('playwright', process.execPath, [tsx, path.join(repoRoot, 'scripts/e2e.ts'), '--reporter=list,json'], {
  ...process.env,
  PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
});

const unit = vitestTotals();
const e2e = playwrightTotals();
const totals = [unit, e2e].reduce<Totals>(
  (sum, part) => (part ? { passed: sum.passed + part.passed, failed: sum.failed + part.failed, skipped: sum.skipped + part.skipped } : sum),
  { passed: 0, failed: 0, skipped: 0 },
);
// A runner that failed without reporting a failed test (a crash, a build error) counts as one failure.
const runnerFailures = Number(!unitOk && !unit?.failed) + Number(!e2eOk && !e2e?.failed);
const failed = totals.failed + runnerFailures;
console.log(`\ntests: ${totals.passed} passed, ${failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exitCode = failed === 0 ? 0 : 1;
