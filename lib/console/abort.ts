// Giving up on shared work: a request that is no longer wanted (a live preview replaced by a newer
// one) stops waiting at once, while work other requests share (a cached DescribeServer) goes on
// for them. Hand-written: AbortSignal has no "race this promise" helper, and it is four lines.

/** `promise`, or `signal`'s reason as soon as it aborts; the work behind `promise` is not cancelled. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
