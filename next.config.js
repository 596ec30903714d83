/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  serverExternalPackages: ['ssh2', 'hash-wasm'],
};

export default nextConfig;
