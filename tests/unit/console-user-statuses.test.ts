import { describe, expect, it } from 'vitest';
import type { IndexedUser } from '@/lib/console/user-index';
import { EXPIRING_WITHIN_MS, statusesOf } from '@/lib/console/users/list';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const user = (overrides: Partial<IndexedUser> = {}): IndexedUser => ({
  username: 'u-one',
  authMethods: ['password'],
  passwordMode: 'hash',
  home: '/fs-0123456789abcdef0/home/u-one',
  uid: 2000,
  gid: 2000,
  disabled: false,
  expiresAt: null,
  lastChangedAt: null,
  problems: [],
  plaintextSlots: [],
  weakKeys: [],
  allowListed: false,
  unparsable: false,
  ...overrides,
});

describe('a user’s statuses in the list', () => {
  it('is active without expiry; never logged in only when the records say none', () => {
    expect(statusesOf(user(), NOW)).toEqual({ expired: false, statuses: ['active'] });
    expect(statusesOf(user(), NOW, null).statuses).toEqual(['active', 'never-logged-in']);
    expect(statusesOf(user(), NOW, '2026-05-30T10:00:00.000Z').statuses).toEqual(['active']);
  });

  it('expiring within 30 days up to the second, expired at the expiry itself', () => {
    const at = (ms: number) => new Date(NOW + ms).toISOString();
    expect(statusesOf(user({ expiresAt: at(EXPIRING_WITHIN_MS) }), NOW).statuses).toEqual(['active', 'expiring']);
    expect(statusesOf(user({ expiresAt: at(EXPIRING_WITHIN_MS + 1000) }), NOW).statuses).toEqual(['active']);
    expect(statusesOf(user({ expiresAt: at(0) }), NOW)).toEqual({ expired: true, statuses: ['expired'] });
  });

  it('disabled, expired and plaintext together', () => {
    expect(statusesOf(user({ disabled: true, passwordMode: 'plaintext', expiresAt: '2020-01-01T00:00:00Z' }), NOW).statuses).toEqual([
      'disabled',
      'expired',
      'plaintext',
    ]);
  });
});
