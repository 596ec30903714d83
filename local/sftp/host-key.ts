// The endpoint's persisted ed25519 host key, so clients see the same host across restarts.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ssh2, { type ParsedKey } from 'ssh2';

const parses = (key: string | Buffer) => !(ssh2.utils.parseKey(key) instanceof Error);

/**
 * An ed25519 pair ssh2 can read back. ssh2 1.17's generateKeyPairSync strips leading zero bytes of
 * the public key, so about 1 pair in 256 is malformed (mscdex/ssh2#1513): such a pair is drawn again.
 */
function generateHostKey(): string {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    if (parses(pair.private) && parses(pair.public)) return pair.private;
  }
}

/** The host key at `file`, made on first start (and made again if a malformed one was kept). */
export function hostKey(file: string): Buffer {
  if (!existsSync(file) || !parses(readFileSync(file))) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, generateHostKey(), { mode: 0o600 });
  }
  return readFileSync(file);
}

/** `SHA256:…` of the key's public half, as `ssh-keygen -l` and Transfer's HostKeyFingerprint write it. */
export function hostKeyFingerprint(file: string): string | undefined {
  const parsed = ssh2.utils.parseKey(readFileSync(file));
  const key = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
  if (!key || key instanceof Error) return undefined;
  return `SHA256:${createHash('sha256').update(key.getPublicSSH()).digest('base64').replace(/=+$/, '')}`;
}
