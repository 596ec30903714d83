// Recognises a pasted private key so the console can refuse it in the browser, before it is sent
// anywhere. Browser-safe: no node: imports.

export const PRIVATE_KEY_MESSAGE = 'This is a private key; paste the public key (.pub) instead.';

const PEM_PRIVATE = /-{4,5}\s*BEGIN [A-Z0-9 ]*PRIVATE KEY\s*-{4,5}/;
const PUTTY_PRIVATE = /^\s*PuTTY-User-Key-File-\d+\s*:/m;
// The base64 of "openssh-key-v1", how the body of an OpenSSH private key begins.
const OPENSSH_PRIVATE_BODY = /^\s*b3BlbnNzaC1rZXktdjE/m;

/** True for PEM (`-----BEGIN … PRIVATE KEY-----`), OpenSSH and PuTTY (.ppk) private keys. */
export function looksLikePrivateKey(text: string): boolean {
  return PEM_PRIVATE.test(text) || PUTTY_PRIVATE.test(text) || OPENSSH_PRIVATE_BODY.test(text);
}
