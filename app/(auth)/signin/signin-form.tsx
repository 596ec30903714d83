'use client';

import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';

/** A text input's value; a file or a missing field reads as empty. */
const textField = (formData: FormData, name: string) => {
  const value = formData.get(name);
  return typeof value === 'string' ? value : '';
};

export function SignInForm({ callbackUrl, initialError, oidc }: { callbackUrl: string; initialError: string | null; oidc: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(initialError);
  const [pending, startTransition] = useTransition();

  function submit(formData: FormData) {
    setError(null);
    startTransition(async () => {
      const result = await signIn('credentials', {
        username: textField(formData, 'username'),
        password: textField(formData, 'password'),
        redirect: false,
      });
      if (result?.ok && !result.error) {
        router.push(callbackUrl);
        router.refresh();
      } else {
        // The same words whether the user name exists or not.
        setError('Sign-in failed. Check your user name and password.');
      }
    });
  }

  return (
    <form action={submit} noValidate>
      <div aria-live="polite" role="status">
        {error ? (
          <p className="alert error" id="signin-error">
            {error}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor="username">User name</label>
        <input id="username" name="username" autoComplete="username" required aria-describedby={error ? 'signin-error' : undefined} />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
      </div>
      <button type="submit" className="primary" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
      {oidc ? (
        <p>
          <button type="button" onClick={() => void signIn('oidc', { callbackUrl })}>
            Sign in with single sign-on
          </button>
        </p>
      ) : null}
    </form>
  );
}
