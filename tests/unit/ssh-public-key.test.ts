import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { PRIVATE_KEY_MESSAGE, looksLikePrivateKey } from '@/lib/secret/private-key';
import { parseSshPublicKey } from '@/lib/secret/ssh-public-key';
import { ECDSA_384, ED25519, RSA_1024, RSA_3072 } from '../fixtures/keys';

describe('SSH public keys', () => {
  it.each([
    ['ed25519', ED25519.line, 'ssh-ed25519', 256, ED25519.fingerprint],
    ['RSA 3072', RSA_3072.line, 'ssh-rsa', 3072, RSA_3072.fingerprint],
    ['ECDSA P-384', ECDSA_384.line, 'ecdsa-sha2-nistp384', 384, ECDSA_384.fingerprint],
  ])('accepts an %s key with the fingerprint ssh-keygen prints', (_name, line, type, bits, fingerprint) => {
    const result = parseSshPublicKey(line);
    expect(result).toMatchObject({ ok: true, key: { type, bits, fingerprint } });
  });

  it('refuses RSA keys shorter than 2048 bits', () => {
    expect(parseSshPublicKey(RSA_1024)).toEqual({
      ok: false,
      error: 'This ssh-rsa key is invalid: RSA keys must have at least 2048 bits; this one has 1024.',
    });
  });

  it('refuses a key whose data belongs to another type', () => {
    const [, data] = ED25519.line.split(' ');
    expect(parseSshPublicKey(`ssh-rsa ${data}`)).toMatchObject({ ok: false, error: 'The key data is not a valid ssh-rsa key.' });
  });

  it('refuses truncated key data', () => {
    const [type, data] = ED25519.line.split(' ');
    expect(parseSshPublicKey(`${type} ${data!.slice(0, 40)}`).ok).toBe(false);
  });

  it('refuses unsupported types with a specific message', () => {
    expect(parseSshPublicKey('ssh-dss AAAAB3NzaC1kc3M=')).toMatchObject({
      ok: false,
      error: expect.stringContaining('Unsupported key type "ssh-dss"') as string,
    });
  });

  it('refuses a private key with the one private-key message', () => {
    expect(parseSshPublicKey('-----BEGIN OPENSSH PRIVATE KEY-----\nabc')).toEqual({ ok: false, error: PRIVATE_KEY_MESSAGE });
  });

  it('refuses a PEM or SSH2 public key file with a pointer to the OpenSSH form', () => {
    expect(parseSshPublicKey('---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----')).toMatchObject({
      ok: false,
      error: expect.stringContaining('OpenSSH form') as string,
    });
  });
});

describe('recognising private keys (runs in the browser)', () => {
  it.each([
    ['an OpenSSH private key', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----'],
    ['a PKCS#1 RSA key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEow==\n-----END RSA PRIVATE KEY-----'],
    ['a PKCS#8 key', '-----BEGIN PRIVATE KEY-----\nMC4CAQ==\n-----END PRIVATE KEY-----'],
    ['an encrypted PKCS#8 key', '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIF==\n-----END ENCRYPTED PRIVATE KEY-----'],
    ['an EC key', '-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----'],
    ['a PuTTY key', 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: x\nPublic-Lines: 2'],
    ['the body of an OpenSSH private key alone', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ'],
  ])('recognises %s', (_name, text) => {
    expect(looksLikePrivateKey(text)).toBe(true);
  });

  it.each([ED25519.line, RSA_3072.line, '---- BEGIN SSH2 PUBLIC KEY ----', '-----BEGIN PUBLIC KEY-----', ''])(
    'does not take a public key for a private one: %s',
    (text) => {
      expect(looksLikePrivateKey(text)).toBe(false);
    },
  );

  it('imports nothing from node: (it runs in the browser)', () => {
    expect(readFileSync(new URL('../../lib/secret/private-key.ts', import.meta.url), 'utf8')).not.toMatch(/from ['"]node:/);
  });
});
