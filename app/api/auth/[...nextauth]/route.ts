import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth/options';

// next-auth 4 types NextAuth() as `any`; in the App Router it returns a route handler.
const handler = NextAuth(authOptions) as (request: Request, context: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;

export { handler as GET, handler as POST };
