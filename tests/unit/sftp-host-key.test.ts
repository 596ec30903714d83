import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { hostKey, hostKeyFingerprint } from '@/local/sftp/host-key';

const dirs: string[] = [];
function keyFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'host-key-'));
  dirs.push(dir);
  return path.join(dir, 'keys', 'ssh_host_ed25519_key');
}
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('the endpoint host key', () => {
  it('is made once, readable by ssh2, private to its owner, and kept across starts', () => {
    const file = keyFile();
    const first = hostKey(file);
    expect(ssh2.utils.parseKey(first)).not.toBeInstanceOf(Error);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(hostKey(file).equals(first)).toBe(true);
    expect(hostKeyFingerprint(file)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('replaces a kept key ssh2 cannot read (as ssh2 1.17 sometimes generates) instead of failing every start', () => {
    const file = keyFile();
    hostKey(file);
    writeFileSync(file, '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n');
    const replaced = hostKey(file);
    expect(ssh2.utils.parseKey(replaced)).not.toBeInstanceOf(Error);
    expect(readFileSync(file).equals(replaced)).toBe(true);
  });
});
