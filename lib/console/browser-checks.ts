// Checks the form runs in the browser before anything is sent, on top of the contract's own
// (browser-safe: the contract's private-key check has no node: imports).
export { looksLikePrivateKey } from '../secret/private-key';

/** The account of any ARN with an account field (a Transfer server's, for example). */
export function arnAccount(arn: string): string | null {
  return /^arn:aws[\w-]*:[\w-]+:[\w-]*:(\d{12}):/.exec(arn)?.[1] ?? null;
}

/** Said in the browser, where the key is caught before it is sent (the contract says less). */
export const PRIVATE_KEY_MESSAGE =
  'This is a private key. It never leaves your browser: it was not sent. Paste the public key instead (the .pub file, one line starting with ssh-ed25519, ecdsa-sha2-… or ssh-rsa).';
