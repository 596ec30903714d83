// LOCAL_AWS_FAULTS parsing and choice: before-apply faults, apply-then-fail (after) and dropped answers.
import { describe, expect, it } from 'vitest';
import { parseFaults, pickFault } from '@/local/faults';

describe('parseFaults', () => {
  it('reads every setting', () => {
    expect(parseFaults('throttle=0.1, error=0.2, after=0.3, drop=0.1, latency=50, ops=PutSecretValue+CreateSecret')).toEqual({
      throttle: 0.1,
      error: 0.2,
      after: 0.3,
      drop: 0.1,
      latencyMs: 50,
      operations: ['PutSecretValue', 'CreateSecret'],
    });
  });

  it('refuses rates outside 0–1, empty values, unknown settings and rates adding up past 1', () => {
    expect(() => parseFaults('after=1.5')).toThrow(/after must be a rate/);
    expect(() => parseFaults('drop=')).toThrow(/drop must be a rate/);
    expect(() => parseFaults('explode=1')).toThrow(/unknown setting "explode"/);
    expect(() => parseFaults('error=0.6,after=0.5')).toThrow(/add up to more than 1/);
  });
});

describe('pickFault', () => {
  const spec = parseFaults('throttle=0.1,error=0.2,after=0.3,drop=0.1,latency=5');
  it('splits the roll in order: throttle, error, after, drop, none', () => {
    expect(pickFault(spec, 'X', () => 0.05).kind).toBe('throttle');
    expect(pickFault(spec, 'X', () => 0.25).kind).toBe('error');
    expect(pickFault(spec, 'X', () => 0.45).kind).toBe('after');
    expect(pickFault(spec, 'X', () => 0.65).kind).toBe('drop');
    expect(pickFault(spec, 'X', () => 0.75)).toEqual({ kind: 'none', latencyMs: 5 });
  });

  it('leaves operations outside ops alone', () => {
    expect(pickFault(parseFaults('after=1,ops=DeleteSecret'), 'PutSecretValue')).toEqual({ kind: 'none', latencyMs: 0 });
    expect(pickFault(parseFaults('after=1,ops=DeleteSecret'), 'DeleteSecret').kind).toBe('after');
  });
});
