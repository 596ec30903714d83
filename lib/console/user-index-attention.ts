// What needs attention among a server's users, computed from the user index's rows (user-index.ts):
// the posture page counts these categories and the users list filters by them (`?attention=`), from
// the same rows with the same function, so a count and its filtered list always agree. One pass over
// the index (a map of UIDs for the shared ones): at 10,000 users a few milliseconds, no AWS call.
// Nothing here is a secret: the rows carry which password keys are plaintext, never their values.
import { PROTOCOLS, readPublicKeys, type StoredUserSecret } from '../secret/contract';
import { parseSshPublicKey } from '../secret/ssh-public-key';
import type { IndexedUser } from './user-index';

export const ATTENTION_CATEGORIES = [
  'plaintext',
  'weak-keys',
  'uid-0',
  'shared-uid',
  'no-allow-list',
  'expired',
  'expiring',
  'never-logged-in',
  'unreadable',
] as const;
export type AttentionCategory = (typeof ATTENTION_CATEGORIES)[number];

export const isAttentionCategory = (value: unknown): value is AttentionCategory =>
  typeof value === 'string' && (ATTENTION_CATEGORIES as readonly string[]).includes(value);

export const ATTENTION_LABELS: Record<AttentionCategory, { title: string; why: string }> = {
  plaintext: { title: 'Plaintext passwords', why: 'Anyone who can read the secret can read the password. Upgrade them to argon2id below.' },
  'weak-keys': { title: 'Weak SSH keys', why: 'RSA keys under 2048 bits and DSA keys can be broken; Transfer Desk refuses them at login.' },
  'uid-0': { title: 'UID 0', why: 'UID 0 is root on the file system: these users can read and change every file.' },
  'shared-uid': { title: 'Shared UIDs', why: 'Users with the same UID own each other’s files.' },
  'no-allow-list': { title: 'No allow-list', why: 'These users can sign in from any address.' },
  expired: { title: 'Expired, still present', why: 'Every login is refused; delete them if they are no longer needed.' },
  expiring: { title: 'Expiring within 30 days', why: 'Their logins stop at the expiry.' },
  'never-logged-in': {
    title: 'Never logged in',
    why: 'No successful login in the login history: accounts nobody uses are worth removing.',
  },
  unreadable: { title: 'Secrets the contract cannot read', why: 'Logins of these users are refused or behave unexpectedly; fix the secret.' },
};

export type PasswordSlotName = 'main' | (typeof PROTOCOLS)[number];
export type AttentionEntry = { username: string; detail: string };
export type Attention = {
  total: number;
  categories: Record<AttentionCategory, AttentionEntry[]>;
  /** Plaintext passwords counted per slot: the main `Password` and each protocol's own. */
  plaintextBySlot: Record<PasswordSlotName, number>;
};

export const EXPIRING_WITHIN_MS = 30 * 24 * 3600_000;

/** The password keys holding plaintext: `Password` ('main') and `<protocol>Password`. */
export function plaintextSlots(secret: StoredUserSecret): PasswordSlotName[] {
  const filled = (key: string) => Object.hasOwn(secret, key) && typeof secret[key] === 'string' && secret[key] !== '';
  return [...(filled('Password') ? (['main'] as const) : []), ...PROTOCOLS.filter((p) => filled(`${p}Password`))];
}

export const slotKey = (slot: PasswordSlotName) => (slot === 'main' ? 'Password' : `${slot}Password`);

/** The weak keys on file, described ("RSA key of 1024 bits", "DSA key"); never the key itself. */
export function weakKeys(secret: StoredUserSecret): string[] {
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

/**
 * Each category's users, in name order. `lastLogins` is each user's last successful login from the
 * login history; null when the history could not be read (then "never logged in" stays empty and the
 * caller says the history is unavailable, never "none").
 */
export function attentionOf(
  users: Iterable<IndexedUser>,
  options: { now?: number; lastLogins: ReadonlyMap<string, string> | null; historySince?: string | null },
): Attention {
  const now = options.now ?? Date.now();
  const categories = Object.fromEntries(ATTENTION_CATEGORIES.map((c) => [c, [] as AttentionEntry[]])) as Record<AttentionCategory, AttentionEntry[]>;
  const plaintextBySlot: Record<PasswordSlotName, number> = { main: 0, SFTP: 0, FTP: 0, FTPS: 0 };
  const sorted = [...users].sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  const byUid = new Map<number, string[]>();
  for (const user of sorted) {
    const { username } = user;
    if (user.problems.length) categories.unreadable.push({ username, detail: user.problems.join('; ') });
    for (const slot of user.plaintextSlots) plaintextBySlot[slot]++;
    if (user.plaintextSlots.length) categories.plaintext.push({ username, detail: user.plaintextSlots.map(slotKey).join(', ') });
    if (user.weakKeys.length) categories['weak-keys'].push({ username, detail: user.weakKeys.join(', ') });
    if (user.uid === 0) categories['uid-0'].push({ username, detail: 'UID 0' });
    if (user.uid !== null) {
      const sharing = byUid.get(user.uid);
      if (sharing) sharing.push(username);
      else byUid.set(user.uid, [username]);
    }
    // A secret the contract cannot read has no allow-list to speak of: it is counted as unreadable only.
    if (!user.allowListed && !user.unparsable) categories['no-allow-list'].push({ username, detail: 'from any address' });
    const expiry = user.expiresAt ? Date.parse(user.expiresAt) : NaN;
    if (!Number.isNaN(expiry)) {
      if (expiry <= now) categories.expired.push({ username, detail: `expired ${user.expiresAt}` });
      else if (expiry - now <= EXPIRING_WITHIN_MS) categories.expiring.push({ username, detail: `expires ${user.expiresAt}` });
    }
    if (options.lastLogins && !options.lastLogins.has(username))
      categories['never-logged-in'].push({
        username,
        detail: options.historySince ? `no successful login since ${options.historySince.slice(0, 10)}` : 'no successful login on record',
      });
  }
  for (const [uid, names] of byUid) {
    if (names.length < 2) continue;
    // At most five others are named, so thousands sharing one UID cost a linear pass, not a square.
    const firstSix = names.slice(0, 6);
    for (const username of names) {
      const named = firstSix.filter((n) => n !== username).slice(0, 5);
      const more = names.length - 1 - named.length;
      categories['shared-uid'].push({ username, detail: `UID ${uid}, with ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}` });
    }
  }
  categories['shared-uid'].sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  return { total: sorted.length, categories, plaintextBySlot };
}
