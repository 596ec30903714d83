// `npm run bench [lambda|console|sftp|local|signin …]`: speed and memory figures, printed, never asserted.
import { runBulkBench } from './bulk';
import { runConsoleBench } from './console';
import { runLambdaBench } from './lambda';
import { runLocalBench } from './local';
import { runSigninBench } from './signin';
import { runSftpBench } from './sftp';

const suites: Record<string, () => Promise<void>> = {
  lambda: runLambdaBench,
  console: runConsoleBench,
  sftp: runSftpBench,
  local: runLocalBench,
  signin: runSigninBench,
  bulk: runBulkBench,
};

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in suites));
if (unknown.length > 0) {
  console.error(`Unknown bench ${unknown.join(', ')}; choose from ${Object.keys(suites).join(', ')}.`);
  process.exit(2);
}

for (const name of requested.length > 0 ? requested : Object.keys(suites)) {
  console.log(`\n## ${name}`);
  const started = performance.now();
  await suites[name]!();
  console.log(`(${name} bench took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
