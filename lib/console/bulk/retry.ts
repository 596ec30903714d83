// Bounded concurrency, a request-rate ceiling and retries with back-off: what a bulk job needs to
// stay inside Secrets Manager's rate limits and survive throttling.

const RETRYABLE = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServiceError',
  'InternalServerError',
  'ServiceUnavailableException',
  'ServiceUnavailable',
  'TimeoutError',
  'ECONNRESET',
]);

export function isRetryable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return RETRYABLE.has(err.name) || (status !== undefined && status >= 500);
}

export type BackoffOptions = { attempts?: number; baseMs?: number; maxMs?: number; sleep?: (ms: number) => Promise<void>; random?: () => number };
const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `operation` until it succeeds, retrying throttling and server errors with exponential
 * back-off and full jitter. Only idempotent operations belong here (every bulk write carries a
 * ClientRequestToken or a compare-and-swap condition).
 */
export async function withBackoff<T>(operation: () => Promise<T>, options: BackoffOptions = {}): Promise<{ value: T; retries: number }> {
  const { attempts = 8, baseMs = 100, maxMs = 5_000, sleep = wait, random = Math.random } = options;
  for (let attempt = 0; ; attempt++) {
    try {
      return { value: await operation(), retries: attempt };
    } catch (err) {
      if (!isRetryable(err) || attempt + 1 >= attempts) throw err;
      await sleep(Math.round(random() * Math.min(maxMs, baseMs * 2 ** attempt)));
    }
  }
}

/** At most `perSecond` starts per second, spread evenly (a simple leaky bucket). */
export function rateLimiter(perSecond: number): () => Promise<void> {
  const interval = 1000 / perSecond;
  let next = 0;
  return async () => {
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + interval;
    if (at > now) await wait(at - now);
  };
}

/** Runs `worker` over `items` with at most `concurrency` running at once, in order of start. */
export async function forEachBounded<T>(items: readonly T[], concurrency: number, worker: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      await worker(items[index]!, index);
    }
  });
  await Promise.all(lanes);
}
