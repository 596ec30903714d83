// A caller that gives up on shared work (a cancelled preview waiting for a cached DescribeServer)
// stops waiting at once; the work goes on for everyone else.
import { describe, expect, it } from 'vitest';
import { untilAborted } from '@/lib/console/abort';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('untilAborted', () => {
  it('rejects with the abort reason as soon as the caller gives up, and other waiters still get the answer', async () => {
    const shared = deferred<string>();
    const leaving = new AbortController();
    const left = untilAborted(shared.promise, leaving.signal);
    const staying = untilAborted(shared.promise, new AbortController().signal);
    leaving.abort();
    await expect(left).rejects.toMatchObject({ name: 'AbortError' });
    shared.resolve('described');
    await expect(staying).resolves.toBe('described');
  });

  it('refuses at once when the signal is already aborted', async () => {
    const gone = new AbortController();
    gone.abort();
    await expect(untilAborted(Promise.resolve('x'), gone.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('passes the answer and the failure through when nobody aborts', async () => {
    await expect(untilAborted(Promise.resolve(42), new AbortController().signal)).resolves.toBe(42);
    await expect(untilAborted(Promise.reject(new Error('Throttled')), new AbortController().signal)).rejects.toThrow('Throttled');
    await expect(untilAborted(Promise.resolve('no signal'), undefined)).resolves.toBe('no signal');
  });
});
