import type { NextConfig } from 'next';
import { HSTS, STATIC_FILES_CSP, STATIC_SECURITY_HEADERS } from './lib/auth/security-headers';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  serverExternalPackages: ['ssh2', 'hash-wasm'],
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
