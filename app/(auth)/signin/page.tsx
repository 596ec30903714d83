import { SignInForm } from './signin-form';

export const metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const { callbackUrl, error } = await searchParams;
  // Only same-site paths: a crafted link must not bounce a signed-in admin elsewhere.
  const target = callbackUrl && callbackUrl.startsWith('/') && !callbackUrl.startsWith('//') ? callbackUrl : '/servers';
  return (
    <main className="signin">
      <div className="card">
        <h1>Sign in to Transfer Desk</h1>
        <SignInForm callbackUrl={target} initialError={error ? 'Sign-in failed. Check your user name and password.' : null} oidc={Boolean(process.env.OIDC_ISSUER)} />
      </div>
    </main>
  );
}
