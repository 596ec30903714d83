import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AutoRefresh } from '@/components/auto-refresh';
import { LoadError } from '@/components/load-error';
import { requirePageRole } from '@/lib/auth/session';
import { POSTURE_CATEGORIES, POSTURE_LABELS, serverPosture, type PostureCategory } from '@/lib/console/bulk/posture';
import { checkIdentityProvider, upgradeJob } from '@/lib/console/bulk/upgrade';
import { load } from '@/lib/console/load';
import { serverIdFromSegment } from '@/lib/console/route-params';
import { UpgradeForm } from './upgrade-form';
import { upgradePlaintextAction } from './actions';

export const metadata = { title: 'Security posture' };

type Props = { params: Promise<{ serverId: string }>; searchParams: Promise<{ recount?: string }> };

/** How many unreadable secrets the page lists with their reasons; the filtered users list has them all. */
const UNREADABLE_SHOWN = 50;

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

export default async function PosturePage({ params, searchParams }: Props) {
  await requirePageRole('admin');
  const serverId = serverIdFromSegment((await params).serverId);
  if (!serverId) notFound();
  const recount = (await searchParams).recount === '1';
  const [result, idp, upgradeView] = await Promise.all([
    load('the users', () => serverPosture(serverId, { recount })),
    load('the server', () => checkIdentityProvider(serverId)),
    load('the last upgrade', () => upgradeJob(serverId)),
  ]);
  const upgrade = upgradeView.ok ? (upgradeView.data?.job ?? null) : null;
  const userLink = (name: string) => `/servers/${serverId}/users/${encodeURIComponent(name)}`;
  const filterLink = (c: PostureCategory) => `/servers/${serverId}/users?attention=${c}`;
  const posture = result.ok && result.data.ready ? result.data.posture : null;

  return (
    <>
      <p>
        <Link href="/servers">Servers</Link> / <Link href={`/servers/${serverId}/users`}>Users</Link> /
      </p>
      <h1>Security posture of {serverId}</h1>
      {!result.ok ? <LoadError message={result.message} /> : null}
      {result.ok && !result.data.ready ? (
        <p className="alert warn" role="status">
          <AutoRefresh active intervalMs={3000} />
          Counting: this server’s user index is still being built ({result.data.progress} users read so far)
          {result.data.lastError ? `; the last build failed (${result.data.lastError}) and is being retried` : ''}. This page refreshes itself.
        </p>
      ) : null}
      {posture ? (
        <>
          <p role="status">
            {posture.total} users, as of {Math.round(posture.indexAgeMs / 1000)} s ago (the console’s own changes count at once; changes made
            elsewhere within 5 minutes).{' '}
            <Link href="?recount=1" prefetch={false}>
              Recount now
            </Link>
          </p>
          <table aria-label="What needs attention">
            <thead>
              <tr>
                <th scope="col">What</th>
                <th scope="col">Users</th>
                <th scope="col">Why it matters</th>
              </tr>
            </thead>
            <tbody>
              {POSTURE_CATEGORIES.map((c) => {
                const count = posture.categories[c].length;
                const history = c === 'never-logged-in' ? posture.loginHistory : null;
                return (
                  <tr key={c}>
                    <th scope="row">{POSTURE_LABELS[c].title}</th>
                    <td>
                      {history && !history.available ? (
                        <span>Login history unavailable</span>
                      ) : count > 0 ? (
                        <Link href={filterLink(c)} aria-label={`${count} users: ${POSTURE_LABELS[c].title}`}>
                          {count}
                        </Link>
                      ) : (
                        0
                      )}
                      {c === 'plaintext' && count > 0 ? (
                        <small>
                          {' '}
                          (Password {posture.plaintextBySlot.main}, SFTP {posture.plaintextBySlot.SFTP}, FTP {posture.plaintextBySlot.FTP}, FTPS{' '}
                          {posture.plaintextBySlot.FTPS})
                        </small>
                      ) : null}
                    </td>
                    <td>
                      {POSTURE_LABELS[c].why}
                      {history ? (
                        <>
                          {' '}
                          {history.available ? (
                            <>No successful login over {history.window}.</>
                          ) : (
                            <>Login history unavailable: {history.reason}. Nobody is counted rather than everybody.</>
                          )}
                        </>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {posture.categories.unreadable.length > 0 ? (
            <section aria-labelledby="unreadable-heading">
              <h2 id="unreadable-heading">Secrets the contract cannot read</h2>
              <table aria-label="Secrets the contract cannot read">
                <thead>
                  <tr>
                    <th scope="col">User</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {posture.categories.unreadable.slice(0, UNREADABLE_SHOWN).map((e) => (
                    <tr key={e.username}>
                      <td>
                        <Link href={userLink(e.username)}>{e.username}</Link>
                      </td>
                      <td>{e.detail}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {posture.categories.unreadable.length > UNREADABLE_SHOWN ? (
                <p>
                  <Link href={filterLink('unreadable')}>All {posture.categories.unreadable.length} in the users list</Link>
                </p>
              ) : null}
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
            {!upgradeView.ok ? <LoadError message={upgradeView.message} /> : null}
            {upgrade ? (
              <div>
                <AutoRefresh active={upgrade.state === 'running'} />
                <label htmlFor="upgrade-progress">
                  {upgrade.state === 'running'
                    ? upgradeView.ok && upgradeView.data?.elsewhere
                      ? 'Upgrading (in another console process)…'
                      : 'Upgrading…'
                    : upgrade.state === 'interrupted'
                      ? 'Upgrade interrupted'
                      : 'Upgrade finished'}
                </label>{' '}
                <progress id="upgrade-progress" max={upgrade.total} value={upgrade.results.length}>
                  {upgrade.results.length} of {upgrade.total}
                </progress>
                <p role="status">
                  {upgrade.results.length} of {upgrade.total} users: {upgrade.counts.upgraded} upgraded, {upgrade.counts['nothing-to-do']} had no
                  plaintext left, {upgrade.counts.failed} failed
                  {upgrade.counts.failed ? ' (their plaintext is unchanged; run the upgrade again)' : ''}.
                </p>
                <p className="muted">
                  Started by {upgrade.actor} at {when(upgrade.startedAt)}
                  {upgrade.finishedAt ? `, ended ${when(upgrade.finishedAt)}` : ''}.
                </p>
                {upgrade.state === 'interrupted' ? (
                  <p className="alert warn">
                    The console stopped while this upgrade ran ({upgrade.total - upgrade.results.length} users not reached). Nothing was lost: each
                    user was upgraded in one write or not at all, and keeps the same password. Run the upgrade again below (all users with a plaintext
                    password): users already upgraded have nothing left to do.
                  </p>
                ) : null}
                {upgradeView.ok && upgradeView.data?.persistError ? (
                  <p className="alert warn">
                    This upgrade’s progress could not be saved to disk ({upgradeView.data.persistError}): if the console restarts, this view is lost
                    (the upgrade itself is not).
                  </p>
                ) : null}
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
            {posture.categories.plaintext.length > 0 ? (
              <UpgradeForm
                action={upgradePlaintextAction.bind(null, serverId)}
                count={posture.categories.plaintext.length}
                recognised={idp.ok && idp.data.ours}
                users={posture.categories.plaintext.map((e) => e.username)}
              />
            ) : (
              <p>No plaintext passwords left on this server.</p>
            )}
          </section>
        </>
      ) : null}
    </>
  );
}
