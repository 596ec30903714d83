// The one paging scheme of the local stack: an opaque token that holds the offset of the next item.
import { AwsError } from '../errors';

/** One page of `items` starting where `token` points; `nextToken` only when more remain. */
export function pageOf<T>(
  items: readonly T[],
  token: string | null | undefined,
  size: number,
  invalidToken: () => AwsError,
): { items: T[]; nextToken?: string } {
  let start = 0;
  if (token !== undefined && token !== null) {
    const text = Buffer.from(token, 'base64url').toString('utf8');
    start = /^\d{1,15}$/.test(text) ? Number(text) : -1;
    if (start < 0) throw invalidToken();
  }
  const end = start + size;
  return end < items.length
    ? { items: items.slice(start, end), nextToken: Buffer.from(String(end)).toString('base64url') }
    : { items: items.slice(start, end) };
}
