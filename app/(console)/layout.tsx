import type { ReactNode } from 'react';
import { redirect } from 'next/navigation';
import { NavLinks } from '@/components/nav-links';
import { SignOutButton } from '@/components/sign-out-button';
import { ThemeToggle } from '@/components/theme-toggle';
import { getActor } from '@/lib/auth/session';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const actor = await getActor();
  if (!actor) redirect('/signin');
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">Transfer Desk</div>
        <NavLinks />
        <div className="whoami">
          <span>
            Signed in as <strong>{actor.name}</strong>
            <br />
            <span className="badge">{actor.role}</span>
          </span>
          <ThemeToggle />
          <SignOutButton />
        </div>
      </aside>
      <main className="content">{children}</main>
    </div>
  );
}
