import Link from 'next/link';

export const metadata = { title: 'Not allowed' };

export default function ForbiddenPage() {
  return (
    <main className="signin card" role="alert">
      <h1>Not allowed</h1>
      <p>Your role cannot open this page. Admins manage users; the help desk resets passwords, enables and disables users and runs test logins.</p>
      <Link href="/servers">Back to servers</Link>
    </main>
  );
}
