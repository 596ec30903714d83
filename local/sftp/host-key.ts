// The endpoint's persisted ed25519 host key, so clients see the same host across restarts.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ssh2, { type ParsedKey } from 'ssh2';

/** The host key at `file`, made on first start. */
export function hostKey(file: string): Buffer {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    writeFileSync(file, pair.private, { mode: 0o600 });
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
