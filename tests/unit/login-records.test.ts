// Reading the Lambda's login lines: only known, safe fields survive; the filter patterns the console
// sends are ones the local stack (and CloudWatch's grammar) understand.
import { describe, expect, it } from 'vitest';
import { FILTER_PATTERN_MAX, loginFilterPattern, parseLoginEvent } from '@/lib/console/login-records';
import { compileFilterPattern } from '@/local/services/logs';

const line = {
  level: 'info',
  event: 'login',
  decision: 'deny',
  reason: 'WRONG_PASSWORD',
  serverId: 's-0123456789abcdef0',
  username: 'alice',
  protocol: 'SFTP',
  sourceIp: '203.0.113.9',
  method: 'password',
  requestId: 'abc-123',
  coldStart: false,
  latencyMs: 12.5,
};

describe('parseLoginEvent', () => {
  it('keeps the known fields of a login line', () => {
    const record = parseLoginEvent({ eventId: 'e1', timestamp: Date.UTC(2026, 0, 2), message: JSON.stringify(line) });
    expect(record).toMatchObject({
      id: 'e1',
      time: '2026-01-02T00:00:00.000Z',
      decision: 'deny',
      reason: 'WRONG_PASSWORD',
      username: 'alice',
      sourceIp: '203.0.113.9',
      method: 'password',
      requestId: 'abc-123',
      coldStart: false,
    });
  });

  it('drops any field it does not know, such as a password', () => {
    const record = parseLoginEvent({ eventId: 'e1', timestamp: 1, message: JSON.stringify({ ...line, password: 'hunter2', secret: 'x' }) });
    expect(JSON.stringify(record)).not.toContain('hunter2');
    expect(record && Object.keys(record)).not.toContain('password');
  });

  it('reads a line with the Lambda runtime prefix', () => {
    expect(parseLoginEvent({ eventId: 'e', timestamp: 1, message: `2026-01-02T00:00:00Z\tabc\tINFO\t${JSON.stringify(line)}` })?.reason).toBe(
      'WRONG_PASSWORD',
    );
  });

  it('maps an unknown reason to UNKNOWN and rejects non-login lines', () => {
    expect(parseLoginEvent({ eventId: 'e', timestamp: 1, message: JSON.stringify({ ...line, reason: 'SOMETHING_NEW' }) })?.reason).toBe('UNKNOWN');
    expect(parseLoginEvent({ eventId: 'e', timestamp: 1, message: JSON.stringify({ ...line, event: 'sftp-auth' }) })).toBeNull();
    expect(parseLoginEvent({ eventId: 'e', timestamp: 1, message: 'START RequestId: x' })).toBeNull();
    expect(parseLoginEvent({ eventId: 'e', timestamp: 1, message: '{"event":"login"' })).toBeNull();
  });

  it('nulls a field of the wrong type instead of passing it on', () => {
    const record = parseLoginEvent({ eventId: 'e', timestamp: 1, message: JSON.stringify({ ...line, sourceIp: { $gt: 1 }, protocol: 'GOPHER' }) });
    expect(record).toMatchObject({ sourceIp: null, protocol: null });
  });
});

describe('loginFilterPattern', () => {
  const message = JSON.stringify(line);

  it('matches one user or any of several', () => {
    expect(compileFilterPattern(loginFilterPattern('s-0123456789abcdef0', ['alice']))(message)).toBe(true);
    expect(compileFilterPattern(loginFilterPattern('s-0123456789abcdef0', ['bob']))(message)).toBe(false);
    expect(compileFilterPattern(loginFilterPattern('s-0123456789abcdef0', ['bob', 'alice', 'carol']))(message)).toBe(true);
    expect(compileFilterPattern(loginFilterPattern('s-0123456789abcdef0', ['bob', 'alice'], ['$.decision = "allow"']))(message)).toBe(false);
    expect(compileFilterPattern(loginFilterPattern('s-1111111111abcdef0', ['alice']))(message)).toBe(false);
  });

  it('is short enough for a page of short names', () => {
    const names = Array.from({ length: 20 }, (_, i) => `user${i}`);
    expect(loginFilterPattern('s-0123456789abcdef0', names, ['$.decision = "allow"']).length).toBeLessThanOrEqual(FILTER_PATTERN_MAX);
  });

  it('rejects malformed JSON patterns locally as CloudWatch does', () => {
    expect(() => compileFilterPattern('{ ($.a = "b" || $.c = "d" }')).toThrow();
    expect(() => compileFilterPattern('{ $.a = "b" || }')).toThrow();
  });
});
