import Link from 'next/link';

export default function ServerNotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p>There is no such server or user here. It may have been deleted, or the address may be mistyped.</p>
      <p className="toolbar">
        <Link className="button" href="/servers">
          Back to servers
        </Link>
      </p>
    </>
  );
}
