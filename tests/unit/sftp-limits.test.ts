// The SFTP endpoint's abuse limits: their configuration and the back-off schedule, on a fake clock.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SFTP_LIMITS, LoginPenalties, resolveSftpLimits, UserHandleBudget } from '@/local/sftp/limits';

describe('SFTP limits', () => {
  it('default to sshd-like values', () => {
    expect(resolveSftpLimits({}, {})).toEqual({
      maxAuthTries: 6,
      loginGraceTimeSeconds: 120,
      maxStartups: 100,
      perSourceMaxStartups: 10,
      userPenaltyFreeFailures: 3,
      sourcePenaltyFreeFailures: 30,
      penaltyBaseSeconds: 2,
      penaltyMaxSeconds: 300,
      maxOpenHandles: 512,
      maxUserHandles: 1024,
      maxSessions: 10,
    });
  });

  it('are overridden by the environment, and the environment by the caller', () => {
    const env = { LOCAL_SFTP_MAX_AUTH_TRIES: '3', LOCAL_SFTP_LOGIN_GRACE_TIME: '30', LOCAL_SFTP_MAX_HANDLES: '64' };
    expect(resolveSftpLimits({}, env)).toMatchObject({ maxAuthTries: 3, loginGraceTimeSeconds: 30, maxOpenHandles: 64, maxStartups: 100 });
    expect(resolveSftpLimits({ maxAuthTries: 4 }, env).maxAuthTries).toBe(4);
  });

  it.each(['0', '-1', 'ten', '6 tries', 'Infinity'])('refuses %j in the environment, naming the variable', (value) => {
    expect(() => resolveSftpLimits({}, { LOCAL_SFTP_MAX_AUTH_TRIES: value })).toThrow(/LOCAL_SFTP_MAX_AUTH_TRIES/);
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s from the caller', (value) => {
    expect(() => resolveSftpLimits({ maxSessions: value }, {})).toThrow(/maxSessions/);
  });
});

describe('login back-off', () => {
  const limits = { ...DEFAULT_SFTP_LIMITS, userPenaltyFreeFailures: 3, sourcePenaltyFreeFailures: 5, penaltyBaseSeconds: 2, penaltyMaxSeconds: 60 };
  const clock = () => {
    let now = 1_000_000;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('starts after the free failures and doubles up to the maximum', () => {
    const time = clock();
    const penalties = new LoginPenalties(limits, time.now);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      penalties.recordFailure('alice', '198.51.100.7');
      waits.push(penalties.backOff('alice', '198.51.100.7'));
    }
    // Failures 1-3 free, then 2, 4, 8, 16 s... The source's own back-off (5 free) is shorter here.
    expect(waits).toEqual([0, 0, 0, 2_000, 4_000, 8_000, 16_000, 32_000]);
    for (let i = 0; i < 3; i++) penalties.recordFailure('alice', '198.51.100.7');
    expect(penalties.backOff('alice', '198.51.100.7')).toBe(60_000);
  });

  it('ends when the back-off has passed, and forgets failures after the maximum', () => {
    const time = clock();
    const penalties = new LoginPenalties(limits, time.now);
    for (let i = 0; i < 4; i++) penalties.recordFailure('bob', '198.51.100.8');
    expect(penalties.backOff('bob', '198.51.100.8')).toBe(2_000);
    time.advance(2_000);
    expect(penalties.backOff('bob', '198.51.100.8')).toBe(0);
    time.advance(60_001);
    penalties.recordFailure('bob', '198.51.100.8');
    expect(penalties.backOff('bob', '198.51.100.8')).toBe(0);
  });

  it('is per user name and source; a login clears the user name but not the source', () => {
    const penalties = new LoginPenalties(limits, clock().now);
    for (let i = 0; i < 4; i++) penalties.recordFailure('carol', '198.51.100.9');
    expect(penalties.backOff('carol', '198.51.100.9')).toBeGreaterThan(0);
    expect(penalties.backOff('carol', '203.0.113.1')).toBe(0);
    expect(penalties.backOff('dave', '198.51.100.9')).toBe(0);
    for (let i = 0; i < 2; i++) penalties.recordFailure(`user${i}`, '198.51.100.9');
    // Six failures from the source across names: past its five free ones.
    expect(penalties.backOff('erin', '198.51.100.9')).toBe(2_000);
    penalties.recordSuccess('carol', '198.51.100.9');
    expect(penalties.backOff('carol', '198.51.100.9')).toBe(2_000);
  });
});

describe('the per-user handle budget', () => {
  it('hands out at most its maximum per user name and takes handles back', () => {
    const budget = new UserHandleBudget(2);
    expect([budget.take('a'), budget.take('a'), budget.take('a'), budget.take('b')]).toEqual([true, true, false, true]);
    budget.give('a', 2);
    expect([budget.take('a'), budget.take('a'), budget.take('a')]).toEqual([true, true, false]);
  });
});
