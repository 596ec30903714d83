// `npm run bench [lambda|console|sftp|local|signin|scale|history|bulk …]`: speed and memory figures, printed, never asserted.
import { runBulkBench } from './bulk';
import { runConsoleBench } from './console';
import { runHistoryBench } from './history';
import { runLambdaBench } from './lambda';
import { runLocalBench } from './local';
import { runScaleBench } from './scale';
import { runSigninBench } from './signin';
import { runSftpBench } from './sftp';

const suites: Record<string, () => Promise<void>> = {
  lambda: runLambdaBench,
  console: runConsoleBench,
  sftp: runSftpBench,
  local: runLocalBench,
  signin: runSigninBench,
  scale: runScaleBench,
  history: runHistoryBench,
  bulk: runBulkBench,
};

// Options (`--50k`) are read by the suites themselves.
const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
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
