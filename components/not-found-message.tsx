import Link from 'next/link';

/** What a route segment's not-found page says: what is missing, why it may be, and a way back. */
export function NotFoundMessage({
  title = 'Not found',
  children,
  links = [],
}: {
  title?: string;
  children: React.ReactNode;
  links?: { href: string; label: string }[];
}) {
  return (
    <>
      <h1>{title}</h1>
      <p>{children}</p>
      <p className="toolbar">
        {[...links, { href: '/servers', label: 'Back to servers' }].map((link) => (
          <Link key={link.href} className="button" href={link.href}>
            {link.label}
          </Link>
        ))}
      </p>
    </>
  );
}
