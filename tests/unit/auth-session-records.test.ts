import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createSessionRecord,
  endSession,
  endSessionsOf,
  isSessionId,
  newSessionId,
  readSessionRecord,
  sweepSessionRecords,
  updateSessionRecord,
} from '@/lib/auth/session-records';

const dir = mkdtempSync(path.join(tmpdir(), 'auth-records-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T = Date.UTC(2026, 0, 5, 9);
const limits = { absoluteMs: 8 * 3600_000, idleMs: 30 * 60_000 };

describe('session records', () => {
  it('a re-check that finishes after sign-out does not bring the session back', async () => {
    const sid = newSessionId();
    await createSessionRecord(
      sid,
      { username: 'olga', role: 'admin', provider: 'oidc', createdAt: T, roleCheckedAt: T, oidc: { refreshToken: 'r1' } },
      dir,
    );
    const found = await readSessionRecord(sid, dir);
    expect(found?.record.oidc?.refreshToken).toBe('r1');
    await endSession(sid, dir);
    await updateSessionRecord(sid, { ...found!.record, roleCheckedAt: T + 1, oidc: { refreshToken: 'r2' } }, T + 1, dir);
    expect(await readSessionRecord(sid, dir)).toBeNull();
    expect(readdirSync(dir).filter((name) => name.startsWith(sid))).toEqual([]);
  });

  it('ends every session of one account and no other', async () => {
    const ann = [newSessionId(), newSessionId()];
    const bob = newSessionId();
    for (const sid of ann) await createSessionRecord(sid, { username: 'ann', role: 'admin', provider: 'credentials', createdAt: T }, dir);
    await createSessionRecord(bob, { username: 'bob', role: 'helpdesk', provider: 'credentials', createdAt: T }, dir);
    expect(await endSessionsOf('ann', dir)).toBe(2);
    for (const sid of ann) expect(await readSessionRecord(sid, dir)).toBeNull();
    expect(await readSessionRecord(bob, dir)).not.toBeNull();
  });

  it('sweeps records past their idle or absolute limit', async () => {
    const fresh = newSessionId();
    const idle = newSessionId();
    await createSessionRecord(fresh, { username: 'c', role: 'admin', provider: 'credentials', createdAt: T + 3600_000 }, dir);
    await createSessionRecord(idle, { username: 'd', role: 'admin', provider: 'credentials', createdAt: T }, dir);
    await sweepSessionRecords(T + 3600_000 + 60_000, limits, dir);
    expect(await readSessionRecord(fresh, dir)).not.toBeNull();
    expect(await readSessionRecord(idle, dir)).toBeNull();
  });

  it('accepts only random 256-bit ids, so a cookie cannot name another file', () => {
    expect(isSessionId(newSessionId())).toBe(true);
    for (const bad of ['../console-users', 'A'.repeat(42), `${'A'.repeat(42)}/`, '', 42]) expect(isSessionId(bad)).toBe(false);
  });
});
