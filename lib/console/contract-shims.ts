// Stand-ins for contract exports that are being added in lib/secret (the contract engineer's work).
// Browser-safe: no imports. The integrator switches each to the contract's own export.

// TODO(contract): replace with `looksLikePrivateKey` from lib/secret.
/** True when pasted text holds a private key (OpenSSH, PEM or PuTTY) rather than public keys. */
export function looksLikePrivateKey(text: string): boolean {
  return /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|PuTTY-User-Key-File-\d|^\s*b3BlbnNzaC1rZXktdjE/m.test(text);
}

// TODO(contract): replace with `roleArnAccount` from lib/secret.
/** The 12-digit account of an IAM role ARN, or null when it is not one. */
export function roleArnAccount(arn: string): string | null {
  return /^arn:aws[\w-]*:iam::(\d{12}):role\/\S+$/.exec(arn.trim())?.[1] ?? null;
}

/** The account of any ARN with an account field (a Transfer server's, for example). */
export function arnAccount(arn: string): string | null {
  return /^arn:aws[\w-]*:[\w-]+:[\w-]*:(\d{12}):/.exec(arn)?.[1] ?? null;
}

export const PRIVATE_KEY_MESSAGE =
  'This is a private key. It never leaves your browser: it was not sent. Paste the public key instead (the .pub file, one line starting with ssh-ed25519, ecdsa-sha2-… or ssh-rsa).';
