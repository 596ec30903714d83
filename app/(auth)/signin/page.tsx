import { consoleOrigin, safeCallbackPath } from '@/lib/auth/safe-redirect';
import { SignInForm } from './signin-form';

export const metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const { callbackUrl, error } = await searchParams;
  // Only paths of the console itself: a crafted link must not bounce a signed-in admin elsewhere.
  const target = safeCallbackPath(callbackUrl, consoleOrigin());
  return (
    <main className="signin">
      <div className="card">
        <h1>Sign in to Transfer Desk</h1>
        <SignInForm
          callbackUrl={target}
          initialError={error ? 'Sign-in failed. Check your user name and password.' : null}
          oidc={Boolean(process.env.OIDC_ISSUER)}
        />
      </div>
    </main>
  );
}
