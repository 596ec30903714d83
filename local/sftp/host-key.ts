// The endpoint's persisted ed25519 host key, so clients see the same host across restarts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ssh2 from 'ssh2';

/** The host key at `file`, made on first start. */
export function hostKey(file: string): Buffer {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    writeFileSync(file, pair.private, { mode: 0o600 });
  }
  return readFileSync(file);
}
