import type { NextConfig } from 'next';
import { HSTS, STATIC_FILES_CSP, STATIC_SECURITY_HEADERS } from './lib/auth/security-headers';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // @node-rs/argon2 is on Next's own list too; named here because the sign-in workers require it by name.
  serverExternalPackages: ['ssh2', 'hash-wasm', '@node-rs/argon2'],
  // proxy.ts sets every security header, with a fresh CSP nonce, on what it answers; static files
  // skip the proxy, so they get the fixed headers here.
  headers() {
    return Promise.resolve([
      { source: '/_next/:path*', headers: [...STATIC_SECURITY_HEADERS, STATIC_FILES_CSP] },
      { source: '/_next/:path*', has: [{ type: 'header', key: 'x-forwarded-proto', value: 'https' }], headers: [HSTS] },
    ]);
  },
};

export default nextConfig;
