import type { Role } from '@/lib/auth/roles';

declare module 'next-auth' {
  interface Session {
    user: { username: string; name: string; role: Role };
  }
  interface User {
    username?: string;
    role?: Role;
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    username?: string;
    role?: Role;
    sid?: string;
    signedInAt?: number;
    provider?: string;
  }
}
