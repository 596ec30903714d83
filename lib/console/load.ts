// Pages load AWS data through this, so a throttled or unreachable AWS becomes a message, not a crash.
import 'server-only';
import { errorName, userMessage } from './errors';

export async function load<T>(what: string, fn: () => Promise<T>): Promise<{ ok: true; data: T } | { ok: false; message: string }> {
  try {
    return { ok: true, data: await fn() };
  } catch (err) {
    console.error(JSON.stringify({ level: 'error', event: 'load-failed', what, error: errorName(err) }));
    return { ok: false, message: `Could not load ${what}. ${userMessage(err, 'read')}` };
  }
}
