// Where the browser may go after sign-in: a path of the console itself, never another site.
export const DEFAULT_AFTER_SIGN_IN = '/servers';

function hasBackslashOrControl(value: string): boolean {
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '\\' || code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * Parses `target` as a URL against the console's origin, as a browser would (backslashes count as
 * slashes, tabs and newlines vanish), and keeps it only when it stays on that origin. Returns a
 * path (`/servers?x=1`), or `fallback`.
 */
export function safeCallbackPath(target: unknown, origin: string, fallback = DEFAULT_AFTER_SIGN_IN): string {
  if (typeof target !== 'string' || target.length === 0 || target.length > 2048) return fallback;
  // Backslashes and control characters have no business in a console path; browsers rewrite them.
  if (hasBackslashOrControl(target)) return fallback;
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(target, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base.origin || (url.protocol !== 'http:' && url.protocol !== 'https:')) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // `/.//evil` normalises to `//evil`, which a router would read as another host.
  if (!path.startsWith('/') || path.startsWith('//') || path.includes('\\')) return fallback;
  // Nor a path that becomes one once some later hop decodes it (`/%2F%5Cevil.example%2F`).
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return fallback;
  }
  if (decoded.startsWith('//') || hasBackslashOrControl(decoded)) return fallback;
  return path;
}

/** The console's own origin: NEXTAUTH_URL, which every deployment sets. */
export function consoleOrigin(env: Record<string, string | undefined> = process.env): string {
  try {
    return new URL(env.NEXTAUTH_URL ?? 'http://localhost').origin;
  } catch {
    return 'http://localhost';
  }
}
