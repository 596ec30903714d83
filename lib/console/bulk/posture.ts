// What needs attention on a server, by category, with the users in each. Never a secret value.
import 'server-only';
import { PROTOCOLS, readPublicKeys, summarizeStoredSecret, type StoredUserSecret } from '../../secret/contract';
import { parseSshPublicKey } from '../../secret/ssh-public-key';
import { requireManageableServer } from '../users/shared';
import { readAllUsers } from './read-all';

export const POSTURE_CATEGORIES = ['plaintext', 'weak-keys', 'uid-0', 'shared-uid', 'no-allow-list', 'expired', 'expiring', 'unreadable'] as const;
export type PostureCategory = (typeof POSTURE_CATEGORIES)[number];

export const POSTURE_LABELS: Record<PostureCategory, { title: string; why: string }> = {
  plaintext: { title: 'Plaintext passwords', why: 'Anyone who can read the secret can read the password. Upgrade them to argon2id below.' },
  'weak-keys': { title: 'Weak SSH keys', why: 'RSA keys under 2048 bits and DSA keys can be broken; Transfer Desk refuses them at login.' },
  'uid-0': { title: 'UID 0', why: 'UID 0 is root on the file system: these users can read and change every file.' },
  'shared-uid': { title: 'Shared UIDs', why: 'Users with the same UID own each other’s files.' },
  'no-allow-list': { title: 'No allow-list', why: 'These users can sign in from any address.' },
  expired: { title: 'Expired, still present', why: 'Every login is refused; delete them if they are no longer needed.' },
  expiring: { title: 'Expiring within 30 days', why: 'Their logins stop at the expiry.' },
  unreadable: { title: 'Secrets the contract cannot read', why: 'Logins of these users are refused or behave unexpectedly; fix the secret.' },
};

export type PostureEntry = { username: string; detail: string };
export type Posture = {
  serverId: string;
  total: number;
  categories: Record<PostureCategory, PostureEntry[]>;
  /** Plaintext passwords counted per slot: the main `Password` and each protocol's own. */
  plaintextBySlot: Record<'main' | (typeof PROTOCOLS)[number], number>;
};

const EXPIRING_MS = 30 * 24 * 60 * 60 * 1000;

export function plaintextSlots(secret: StoredUserSecret): ('main' | (typeof PROTOCOLS)[number])[] {
  const filled = (key: string) => Object.hasOwn(secret, key) && typeof secret[key] === 'string' && secret[key] !== '';
  return [...(filled('Password') ? (['main'] as const) : []), ...PROTOCOLS.filter((p) => filled(`${p}Password`))];
}

function weakKeys(secret: StoredUserSecret): string[] {
  const lines = ['PublicKey', ...PROTOCOLS.map((p) => `${p}PublicKey`)].flatMap((key) =>
    Object.hasOwn(secret, key) ? readPublicKeys(secret[key]) : [],
  );
  return lines.flatMap((line) => {
    if (/^ssh-dss\s/.test(line)) return ['DSA key'];
    const parsed = parseSshPublicKey(line);
    if (parsed.ok) return [];
    const rsa = /this one has (\d+)/.exec(parsed.error);
    return rsa ? [`RSA key of ${rsa[1]} bits`] : [];
  });
}

export function assessPosture(
  serverId: string,
  users: { username: string; secret: StoredUserSecret | null; error: string | null }[],
  now = new Date(),
): Posture {
  const categories = Object.fromEntries(POSTURE_CATEGORIES.map((c) => [c, [] as PostureEntry[]])) as Record<PostureCategory, PostureEntry[]>;
  const plaintextBySlot = { main: 0, SFTP: 0, FTP: 0, FTPS: 0 };
  const byUid = new Map<number, string[]>();
  for (const { username, secret, error } of users) {
    if (!secret) {
      categories.unreadable.push({ username, detail: error ?? 'unreadable' });
      continue;
    }
    const summary = summarizeStoredSecret(secret, now);
    if (summary.problems.length) categories.unreadable.push({ username, detail: summary.problems.join('; ') });
    const slots = plaintextSlots(secret);
    for (const slot of slots) plaintextBySlot[slot]++;
    if (slots.length) categories.plaintext.push({ username, detail: slots.map((s) => (s === 'main' ? 'Password' : `${s}Password`)).join(', ') });
    const weak = weakKeys(secret);
    if (weak.length) categories['weak-keys'].push({ username, detail: weak.join(', ') });
    const uid = summary.posixProfile?.Uid;
    if (uid === 0) categories['uid-0'].push({ username, detail: 'UID 0' });
    if (uid !== undefined) byUid.set(uid, [...(byUid.get(uid) ?? []), username]);
    if (summary.acceptedIpNetworks.length === 0) categories['no-allow-list'].push({ username, detail: 'from any address' });
    if (summary.expiresAt) {
      const at = new Date(summary.expiresAt).getTime();
      if (summary.expired) categories.expired.push({ username, detail: `expired ${summary.expiresAt}` });
      else if (at - now.getTime() <= EXPIRING_MS) categories.expiring.push({ username, detail: `expires ${summary.expiresAt}` });
    }
  }
  for (const [uid, names] of byUid) {
    if (names.length < 2) continue;
    for (const username of names)
      categories['shared-uid'].push({ username, detail: `UID ${uid}, with ${names.filter((n) => n !== username).join(', ')}` });
  }
  return { serverId, total: users.length, categories, plaintextBySlot };
}

export async function serverPosture(serverId: string): Promise<Posture> {
  await requireManageableServer(serverId);
  return assessPosture(serverId, await readAllUsers(serverId));
}
