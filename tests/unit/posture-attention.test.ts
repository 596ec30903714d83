// The security posture's categories, from the user index's rows: one case per rule.
import { describe, expect, it } from 'vitest';
import { attentionOf, EXPIRING_WITHIN_MS } from '@/lib/console/user-index-attention';
import { indexedUser, unreadableUser } from '@/lib/console/user-index';
import { ED25519, RSA_1024 } from '../fixtures/keys';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const ROLE = 'arn:aws:iam::000000000000:role/transfer-efs-user';
const row = (username: string, secret: Record<string, unknown>) => indexedUser(username, JSON.stringify({ Role: ROLE, ...secret }), null);
const names = (entries: { username: string }[]) => entries.map((e) => e.username);

describe('never logged in', () => {
  const users = [row('ann', {}), row('bob', {}), row('cid', {})];

  it('lists the users without a successful login in the history, saying since when', () => {
    const attention = attentionOf(users, {
      now: NOW,
      lastLogins: new Map([['bob', '2026-05-30T10:00:00.000Z']]),
      historySince: '2026-03-03T00:00:00.000Z',
    });
    expect(names(attention.categories['never-logged-in'])).toEqual(['ann', 'cid']);
    expect(attention.categories['never-logged-in'][0]!.detail).toBe('no successful login since 2026-03-03');
  });

  it('lists nobody when the history could not be read (unavailable is not "never")', () => {
    expect(attentionOf(users, { now: NOW, lastLogins: null }).categories['never-logged-in']).toEqual([]);
  });

  it('lists everybody when the history holds no login at all', () => {
    expect(names(attentionOf(users, { now: NOW, lastLogins: new Map() }).categories['never-logged-in'])).toEqual(['ann', 'bob', 'cid']);
  });
});

describe('the other categories', () => {
  it('counts plaintext per password key, a user once in the category', () => {
    const attention = attentionOf(
      [row('p1', { Password: 'a', SFTPPassword: 'b' }), row('p2', { FTPSPassword: 'c' }), row('h', { PasswordHash: 'x' })],
      {
        now: NOW,
        lastLogins: null,
      },
    );
    expect(attention.plaintextBySlot).toEqual({ main: 1, SFTP: 1, FTP: 0, FTPS: 1 });
    expect(attention.categories.plaintext).toEqual([
      { username: 'p1', detail: 'Password, SFTPPassword' },
      { username: 'p2', detail: 'FTPSPassword' },
    ]);
  });

  it('names weak keys by kind and size, and passes strong ones', () => {
    const attention = attentionOf([row('weak', { PublicKey: [RSA_1024, 'ssh-dss AAAAB3NzaC1kc3M x'] }), row('strong', { PublicKey: ED25519.line })], {
      now: NOW,
      lastLogins: null,
    });
    expect(attention.categories['weak-keys']).toEqual([{ username: 'weak', detail: 'RSA key of 1024 bits, DSA key' }]);
  });

  it('finds UID 0 and every user of a shared UID, naming the others', () => {
    const posix = (uid: number) => ({ PosixProfile: { Uid: uid, Gid: uid } });
    const attention = attentionOf([row('root', posix(0)), row('a', posix(3000)), row('b', posix(3000)), row('c', posix(3001))], {
      now: NOW,
      lastLogins: null,
    });
    expect(names(attention.categories['uid-0'])).toEqual(['root']);
    expect(attention.categories['shared-uid']).toEqual([
      { username: 'a', detail: 'UID 3000, with b' },
      { username: 'b', detail: 'UID 3000, with a' },
    ]);
  });

  it('separates expired users from those expiring within 30 days', () => {
    const at = (ms: number) => new Date(NOW + ms).toISOString();
    const attention = attentionOf(
      [
        row('gone', { ExpiresAt: at(-1000) }),
        row('soon', { ExpiresAt: at(EXPIRING_WITHIN_MS) }),
        row('later', { ExpiresAt: at(EXPIRING_WITHIN_MS + 1000) }),
      ],
      { now: NOW, lastLogins: null },
    );
    expect(names(attention.categories.expired)).toEqual(['gone']);
    expect(names(attention.categories.expiring)).toEqual(['soon']);
  });

  it('gives each unreadable secret its reason, and counts an unparsable one nowhere else', () => {
    const attention = attentionOf(
      [
        row('no-role', { Role: '' }),
        indexedUser('not-json', '{oops', null),
        unreadableUser('kms', 'AccessDeniedException', null),
        row('listed', { AcceptedIpNetwork: '10.0.0.0/8' }),
      ],
      { now: NOW, lastLogins: null },
    );
    expect(attention.categories.unreadable).toEqual([
      { username: 'kms', detail: 'Secrets Manager did not return the value (AccessDeniedException)' },
      { username: 'no-role', detail: 'No role: every login is refused' },
      { username: 'not-json', detail: 'The secret is not JSON: it cannot be read as a user' },
    ]);
    expect(names(attention.categories['no-allow-list'])).toEqual(['no-role']);
  });

  it('keeps no secret value in the rows it reads', () => {
    const user = row('p', { Password: 'Very-Secret-1', PublicKey: RSA_1024 });
    expect(JSON.stringify(user)).not.toContain('Very-Secret-1');
    expect(JSON.stringify(user)).not.toContain(RSA_1024.split(' ')[1]);
  });
});
