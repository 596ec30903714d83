// LOCAL_AWS_FAULTS: injected throttling, service errors and latency, for reliability tests.
// Syntax: comma-separated `key=value`: throttle=<rate 0–1>, error=<rate 0–1>, latency=<ms>,
// ops=<Operation>+<Operation>… (default: every operation). Example: `throttle=0.2,latency=50,ops=PutSecretValue`.
// A fault is decided before the operation runs, so it never leaves state half-changed.

export type FaultSpec = { throttle: number; error: number; latencyMs: number; operations: string[] | null };

export function parseFaults(text: string | undefined): FaultSpec {
  const spec: FaultSpec = { throttle: 0, error: 0, latencyMs: 0, operations: null };
  for (const part of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key = '', value = ''] = part.split('=').map((p) => p.trim());
    const rate = Number(value);
    switch (key) {
      case 'throttle':
      case 'error':
        if (!(rate >= 0 && rate <= 1)) throw new Error(`LOCAL_AWS_FAULTS: ${key} must be a rate between 0 and 1, not "${value}"`);
        spec[key] = rate;
        break;
      case 'latency':
        if (!(rate >= 0 && rate <= 60_000)) throw new Error(`LOCAL_AWS_FAULTS: latency must be 0–60000 ms, not "${value}"`);
        spec.latencyMs = rate;
        break;
      case 'ops':
        spec.operations = value.split('+').map((op) => op.trim()).filter(Boolean);
        break;
      default:
        throw new Error(`LOCAL_AWS_FAULTS: unknown setting "${key}" (use throttle, error, latency, ops)`);
    }
  }
  if (spec.throttle + spec.error > 1) throw new Error('LOCAL_AWS_FAULTS: throttle and error rates add up to more than 1');
  return spec;
}

export function pickFault(spec: FaultSpec, operation: string, random: () => number = Math.random): { kind: 'none' | 'throttle' | 'error'; latencyMs: number } {
  if (spec.operations && !spec.operations.includes(operation)) return { kind: 'none', latencyMs: 0 };
  const roll = random();
  const kind = roll < spec.throttle ? 'throttle' : roll < spec.throttle + spec.error ? 'error' : 'none';
  return { kind, latencyMs: spec.latencyMs };
}
