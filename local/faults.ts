// LOCAL_AWS_FAULTS: injected throttling, service errors and latency, for reliability tests.
// Syntax: comma-separated `key=value`: throttle=<rate 0–1>, error=<rate 0–1>, after=<rate 0–1>,
// drop=<rate 0–1>, latency=<ms>, ops=<Operation>+<Operation>… (default: every operation).
// Example: `throttle=0.2,after=0.3,latency=50,ops=PutSecretValue+CreateSecret`.
// throttle and error are decided before the operation runs, so they never leave state changed.
// after and drop are the ambiguous failures real AWS can produce: the operation is applied and
// committed, then the answer is a 500 (after) or the connection is cut without an answer (drop).

export type FaultKind = 'none' | 'throttle' | 'error' | 'after' | 'drop';
export type FaultSpec = { throttle: number; error: number; after: number; drop: number; latencyMs: number; operations: string[] | null };

const RATES = ['throttle', 'error', 'after', 'drop'] as const;

export function parseFaults(text: string | undefined): FaultSpec {
  const spec: FaultSpec = { throttle: 0, error: 0, after: 0, drop: 0, latencyMs: 0, operations: null };
  for (const part of (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key = '', value = ''] = part.split('=').map((p) => p.trim());
    const rate = Number(value);
    switch (key) {
      case 'throttle':
      case 'error':
      case 'after':
      case 'drop':
        if (value === '' || !(rate >= 0 && rate <= 1)) throw new Error(`LOCAL_AWS_FAULTS: ${key} must be a rate between 0 and 1, not "${value}"`);
        spec[key] = rate;
        break;
      case 'latency':
        if (value === '' || !(rate >= 0 && rate <= 60_000)) throw new Error(`LOCAL_AWS_FAULTS: latency must be 0–60000 ms, not "${value}"`);
        spec.latencyMs = rate;
        break;
      case 'ops':
        spec.operations = value
          .split('+')
          .map((op) => op.trim())
          .filter(Boolean);
        break;
      default:
        throw new Error(`LOCAL_AWS_FAULTS: unknown setting "${key}" (use throttle, error, after, drop, latency, ops)`);
    }
  }
  if (RATES.reduce((sum, key) => sum + spec[key], 0) > 1)
    throw new Error('LOCAL_AWS_FAULTS: throttle, error, after and drop rates add up to more than 1');
  return spec;
}

export function pickFault(spec: FaultSpec, operation: string, random: () => number = Math.random): { kind: FaultKind; latencyMs: number } {
  if (spec.operations && !spec.operations.includes(operation)) return { kind: 'none', latencyMs: 0 };
  let roll = random();
  for (const kind of RATES) {
    if (roll < spec[kind]) return { kind, latencyMs: spec.latencyMs };
    roll -= spec[kind];
  }
  return { kind: 'none', latencyMs: spec.latencyMs };
}
