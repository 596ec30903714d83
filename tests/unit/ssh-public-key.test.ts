import { describe, expect, it } from 'vitest';
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
    expect(parseSshPublicKey(RSA_1024)).toEqual({ ok: false, error: 'Invalid ssh-rsa key: RSA keys must have at least 2048 bits; this one has 1024' });
  });

  it('refuses a key whose data belongs to another type', () => {
    const [, data] = ED25519.line.split(' ');
    expect(parseSshPublicKey(`ssh-rsa ${data}`)).toMatchObject({ ok: false, error: 'The key data is not a valid ssh-rsa key' });
  });

  it('refuses truncated key data', () => {
    const [type, data] = ED25519.line.split(' ');
    expect(parseSshPublicKey(`${type} ${data!.slice(0, 40)}`).ok).toBe(false);
  });

  it('refuses unsupported types and private keys with a specific message', () => {
    expect(parseSshPublicKey('ssh-dss AAAAB3NzaC1kc3M=')).toMatchObject({ ok: false, error: expect.stringContaining('Unsupported key type "ssh-dss"') });
    expect(parseSshPublicKey('-----BEGIN OPENSSH PRIVATE KEY-----\nabc')).toMatchObject({ ok: false, error: expect.stringContaining('never a private key') });
  });
});
