import Link from 'next/link';

export default function ServersNotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p>There is no such server here. It may have been deleted, or the address may be mistyped.</p>
      <p className="toolbar">
        <Link className="button" href="/servers">
          Back to servers
        </Link>
      </p>
    </>
  );
}
