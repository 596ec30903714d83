// OpenSSH public-key lines (`ssh-ed25519 AAAA… comment`): validation and SHA256 fingerprints.
// Hand-parsed (RFC 4253 §6.6 wire format, a few length-prefixed fields) because the libraries that do
// it (ssh2, sshpk) would add hundreds of KiB to the Lambda bundle that imports this contract.
import { createHash } from 'node:crypto';
import { PRIVATE_KEY_MESSAGE, looksLikePrivateKey } from './private-key';

export const SUPPORTED_KEY_TYPES = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa'] as const;
export type SshKeyType = (typeof SUPPORTED_KEY_TYPES)[number];
export const MIN_RSA_BITS = 2048;

export type SshPublicKey = {
  type: SshKeyType;
  bits: number;
  /** As `ssh-keygen -lf` prints it: `SHA256:` and unpadded base64. */
  fingerprint: string;
  comment: string;
  /** The key as stored: type, base64 blob and comment, single-spaced. */
  line: string;
};

export type SshPublicKeyResult = { ok: true; key: SshPublicKey } | { ok: false; error: string };

const ECDSA_POINT_LENGTHS = new Map<string, { curve: string; bits: number; length: number }>([
  ['ecdsa-sha2-nistp256', { curve: 'nistp256', bits: 256, length: 65 }],
  ['ecdsa-sha2-nistp384', { curve: 'nistp384', bits: 384, length: 97 }],
  ['ecdsa-sha2-nistp521', { curve: 'nistp521', bits: 521, length: 133 }],
]);

function readFields(blob: Buffer): Buffer[] | null {
  const fields: Buffer[] = [];
  let offset = 0;
  while (offset < blob.length) {
    if (offset + 4 > blob.length) return null;
    const length = blob.readUInt32BE(offset);
    offset += 4;
    if (offset + length > blob.length) return null;
    fields.push(blob.subarray(offset, offset + length));
    offset += length;
  }
  return fields;
}

function bitLength(unsignedBigEndian: Buffer): number {
  let start = 0;
  while (start < unsignedBigEndian.length && unsignedBigEndian[start] === 0) start++;
  if (start === unsignedBigEndian.length) return 0;
  return (unsignedBigEndian.length - start - 1) * 8 + (32 - Math.clz32(unsignedBigEndian[start]!));
}

function keyBits(type: SshKeyType, fields: Buffer[]): number | string {
  if (type === 'ssh-ed25519') {
    return fields.length === 2 && fields[1]!.length === 32 ? 256 : 'its ed25519 key is not 32 bytes';
  }
  if (type === 'ssh-rsa') {
    if (fields.length !== 3) return 'its RSA fields are malformed';
    const bits = bitLength(fields[2]!);
    return bits >= MIN_RSA_BITS ? bits : `RSA keys must have at least ${MIN_RSA_BITS} bits; this one has ${bits}`;
  }
  const ecdsa = ECDSA_POINT_LENGTHS.get(type);
  if (!ecdsa) return 'its type is not supported';
  if (fields.length !== 3 || fields[1]!.toString('latin1') !== ecdsa.curve) return `its curve does not match ${type}`;
  return fields[2]!.length === ecdsa.length && fields[2]![0] === 4 ? ecdsa.bits : 'its ECDSA point is malformed';
}

export function parseSshPublicKey(input: string): SshPublicKeyResult {
  const text = input.trim();
  if (text === '') return { ok: false, error: 'The key is empty.' };
  if (looksLikePrivateKey(text)) return { ok: false, error: PRIVATE_KEY_MESSAGE };
  if (/-{4,5}\s*BEGIN/.test(text)) {
    return {
      ok: false,
      error: 'This is a PEM or SSH2 key file; paste the key in OpenSSH form (one line starting with ssh-ed25519, ssh-rsa or ecdsa-sha2-…).',
    };
  }
  const [type = '', data = '', ...commentWords] = text.split(/\s+/);
  if (!(SUPPORTED_KEY_TYPES as readonly string[]).includes(type)) {
    return { ok: false, error: `Unsupported key type ${JSON.stringify(type.slice(0, 40))}; use ${SUPPORTED_KEY_TYPES.join(', ')}.` };
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return { ok: false, error: 'The key data is not base64.' };
  const blob = Buffer.from(data, 'base64');
  const fields = readFields(blob);
  if (!fields || fields.length === 0 || fields[0]!.toString('latin1') !== type) {
    return { ok: false, error: `The key data is not a valid ${type} key.` };
  }
  const bits = keyBits(type as SshKeyType, fields);
  if (typeof bits === 'string') return { ok: false, error: `This ${type} key is invalid: ${bits}.` };
  const comment = commentWords.join(' ');
  const fingerprint = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
  return { ok: true, key: { type: type as SshKeyType, bits, fingerprint, comment, line: [type, data, comment].filter(Boolean).join(' ') } };
}

/** The algorithm and key blob, which identify a key whatever its comment. */
export function sshKeyIdentity(line: string): string | null {
  const [type, data] = line.trim().split(/\s+/);
  return type && data ? `${type} ${data}` : null;
}
