import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AutoRefresh } from '@/components/auto-refresh';
import { LoadError } from '@/components/load-error';
import { requirePageRole } from '@/lib/auth/session';
import { POSTURE_CATEGORIES, POSTURE_LABELS, serverPosture, type PostureCategory } from '@/lib/console/bulk/posture';
import { checkIdentityProvider, upgradeStatus } from '@/lib/console/bulk/upgrade';
import { load } from '@/lib/console/load';
import { serverIdFromSegment } from '@/lib/console/route-params';
import { UpgradeForm } from './upgrade-form';
import { upgradePlaintextAction } from './actions';

export const metadata = { title: 'Security posture' };

type Props = { params: Promise<{ serverId: string }>; searchParams: Promise<{ show?: string }> };

export default async function PosturePage({ params, searchParams }: Props) {
  await requirePageRole('admin');
  const serverId = serverIdFromSegment((await params).serverId);
  if (!serverId) notFound();
  const showParam = (await searchParams).show;
  const show = (POSTURE_CATEGORIES as readonly string[]).includes(showParam ?? '') ? (showParam as PostureCategory) : null;
  const [posture, idp] = await Promise.all([
    load('the users', () => serverPosture(serverId)),
    load('the server', () => checkIdentityProvider(serverId)),
  ]);
  const upgrade = upgradeStatus(serverId);
  const userLink = (name: string) => `/servers/${serverId}/users/${encodeURIComponent(name)}`;

  return (
    <>
      <p>
        <Link href="/servers">Servers</Link> / <Link href={`/servers/${serverId}/users`}>Users</Link> /
      </p>
      <h1>Security posture of {serverId}</h1>
      {!posture.ok ? (
        <LoadError message={posture.message} />
      ) : (
        <>
          <p>{posture.data.total} users. “Never logged in” is not shown yet: it needs the login history.</p>
          <table aria-label="What needs attention">
            <thead>
              <tr>
                <th scope="col">What</th>
                <th scope="col">Users</th>
                <th scope="col">Why it matters</th>
              </tr>
            </thead>
            <tbody>
              {POSTURE_CATEGORIES.map((c) => (
                <tr key={c}>
                  <th scope="row">{POSTURE_LABELS[c].title}</th>
                  <td>
                    {posture.data.categories[c].length > 0 ? (
                      <Link href={`?show=${c}#users-${c}`} aria-label={`${posture.data.categories[c].length} users: ${POSTURE_LABELS[c].title}`}>
                        {posture.data.categories[c].length}
                      </Link>
                    ) : (
                      0
                    )}
                    {c === 'plaintext' && posture.data.categories.plaintext.length > 0 ? (
                      <small>
                        {' '}
                        (Password {posture.data.plaintextBySlot.main}, SFTP {posture.data.plaintextBySlot.SFTP}, FTP{' '}
                        {posture.data.plaintextBySlot.FTP}, FTPS {posture.data.plaintextBySlot.FTPS})
                      </small>
                    ) : null}
                  </td>
                  <td>{POSTURE_LABELS[c].why}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {show ? (
            <section id={`users-${show}`} aria-labelledby="filtered-heading">
              <h2 id="filtered-heading">{POSTURE_LABELS[show].title}</h2>
              <table aria-label={POSTURE_LABELS[show].title}>
                <thead>
                  <tr>
                    <th scope="col">User</th>
                    <th scope="col">Detail</th>
                  </tr>
                </thead>
                <tbody>
                  {posture.data.categories[show].map((e) => (
                    <tr key={`${e.username}-${e.detail}`}>
                      <td>
                        <Link href={userLink(e.username)}>{e.username}</Link>
                      </td>
                      <td>{e.detail}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ) : null}
          <section aria-labelledby="upgrade-heading">
            <h2 id="upgrade-heading">Upgrade plaintext passwords to argon2id</h2>
            <p>
              Each plaintext password is hashed with argon2id and the plaintext removed, in one write per user that never overwrites a change made
              meanwhile. Users keep their passwords and notice nothing.
            </p>
            <p className="alert warn">
              <strong>AWS’s sample Lambda (the one in AWS’s blog post) cannot read hashes.</strong> If this server still uses it, every upgraded
              user’s password login fails. Upgrade only when the server’s identity provider is Transfer Desk’s Lambda.
            </p>
            {idp.ok ? <p className={idp.data.ours ? 'alert ok' : 'alert error'}>{idp.data.reason}</p> : <LoadError message={idp.message} />}
            {upgrade ? (
              <div>
                <AutoRefresh active={upgrade.state === 'running'} />
                <label htmlFor="upgrade-progress">{upgrade.state === 'running' ? 'Upgrading…' : 'Upgrade finished'}</label>{' '}
                <progress id="upgrade-progress" max={upgrade.total} value={upgrade.results.length}>
                  {upgrade.results.length} of {upgrade.total}
                </progress>
                <p role="status">
                  {upgrade.results.length} of {upgrade.total} users: {upgrade.counts.upgraded} upgraded, {upgrade.counts['nothing-to-do']} had no
                  plaintext left, {upgrade.counts.failed} failed
                  {upgrade.counts.failed ? ' (their plaintext is unchanged; run the upgrade again)' : ''}.
                </p>
                <table aria-label="Upgrade results">
                  <thead>
                    <tr>
                      <th scope="col">User</th>
                      <th scope="col">Result</th>
                    </tr>
                  </thead>
                  <tbody>
                    {upgrade.results.map((r) => (
                      <tr key={r.username}>
                        <td>{r.username}</td>
                        <td>
                          {r.status === 'upgraded'
                            ? `Upgraded (${r.slots.join(', ')})`
                            : r.status === 'nothing-to-do'
                              ? 'No plaintext left'
                              : 'Failed'}{' '}
                          {r.message}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
            {posture.data.categories.plaintext.length > 0 ? (
              <UpgradeForm
                action={upgradePlaintextAction.bind(null, serverId)}
                count={posture.data.categories.plaintext.length}
                recognised={idp.ok && idp.data.ours}
                users={posture.data.categories.plaintext.map((e) => e.username)}
              />
            ) : (
              <p>No plaintext passwords left on this server.</p>
            )}
          </section>
        </>
      )}
    </>
  );
}
