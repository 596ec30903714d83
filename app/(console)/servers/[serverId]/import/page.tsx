import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AutoRefresh } from '@/components/auto-refresh';
import { LoadError } from '@/components/load-error';
import { requirePageRole } from '@/lib/auth/session';
import { importJob, recentImports, usersOfImport } from '@/lib/console/bulk/apply';
import { JOB_FILES_KEPT_DAYS } from '@/lib/console/bulk/jobs';
import { COLUMN_HELP, CSV_COLUMNS } from '@/lib/console/bulk/format';
import { load } from '@/lib/console/load';
import { serverIdFromSegment } from '@/lib/console/route-params';
import { getServer } from '@/lib/console/servers';
import { applyImportAction, dryRunImportAction, resetLostPasswordsAction } from './actions';
import { ImportFlow } from './import-flow';
import { ResetLostPasswords } from './reset-lost-passwords';

export const metadata = { title: 'Import users' };

type Props = { params: Promise<{ serverId: string }>; searchParams: Promise<{ job?: string; reset?: string }> };

const STATUS_LABELS = {
  pending: 'Waiting',
  created: 'Created',
  'already-created': 'Already created',
  'skipped-existing': 'Exists, skipped',
  failed: 'Failed',
} as const;

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

export default async function ImportPage({ params, searchParams }: Props) {
  await requirePageRole('admin');
  const serverId = serverIdFromSegment((await params).serverId);
  if (!serverId) notFound();
  const { job: jobParam, reset: resetParam } = await searchParams;
  const resetCount = typeof resetParam === 'string' && /^\d{1,6}$/.test(resetParam) ? Number(resetParam) : null;
  const importId = typeof jobParam === 'string' && /^[0-9a-f-]{36}$/.test(jobParam) ? jobParam : null;
  const server = await load('the server', () => getServer(serverId));
  if (server.ok && !server.data) notFound();
  const title = server.ok ? (server.data!.name ?? serverId) : serverId;
  const [view, recent] = await Promise.all([
    importId ? load('the import', () => importJob(serverId, importId)) : Promise.resolve(null),
    // Only without a job in view: that page refreshes every second while its job runs.
    importId ? Promise.resolve(null) : load('the recent imports', () => recentImports(serverId)),
  ]);
  const job = view?.ok ? (view.data?.job ?? null) : null;
  // No record of the run at all (its file was pruned, or it ran on a console with another jobs directory): what AWS says.
  const recovered = importId && view?.ok && !job ? await load('the users of this import', () => usersOfImport(serverId, importId)) : null;
  const done = job ? job.total - job.results.filter((r) => r.status === 'pending').length : 0;
  const needReset = view?.ok ? (view.data?.needReset ?? []) : [];
  const userLink = (name: string) => `/servers/${serverId}/users/${encodeURIComponent(name)}`;

  return (
    <>
      <p>
        <Link href="/servers">Servers</Link> / <Link href={`/servers/${serverId}/users`}>Users of {title}</Link> /
      </p>
      <h1>Import users into {title}</h1>
      {!server.ok ? <LoadError message={server.message} /> : null}
      {view && !view.ok ? <LoadError message={view.message} /> : null}
      {job ? (
        <section aria-labelledby="progress-heading">
          <AutoRefresh active={job.state === 'running'} />
          <h2 id="progress-heading">Import {job.importId}</h2>
          <p className="muted">
            {job.fileName}, started by {job.actor} at {when(job.startedAt)}
            {job.finishedAt ? `, ended ${when(job.finishedAt)}` : ''}.
          </p>
          <label htmlFor="import-progress">
            {job.state === 'running'
              ? view?.ok && view.data?.source === 'elsewhere'
                ? 'Importing (in another console process)…'
                : 'Importing…'
              : job.state === 'interrupted'
                ? 'Interrupted'
                : 'Finished'}
          </label>{' '}
          <progress id="import-progress" max={job.total} value={done}>
            {done} of {job.total}
          </progress>
          <p role="status">
            {done} of {job.total} rows done: {job.counts.created} created, {job.counts['already-created']} already created by this import,{' '}
            {job.counts['skipped-existing']} existing left as they are, {job.counts.failed} failed.
          </p>
          {job.state === 'interrupted' ? (
            <div className="alert warn" role="alert">
              <p>
                The console stopped while this import ran: {done} of {job.total} rows had a result then, {job.total - done} had not been reached.
              </p>
              <p>
                <strong>To finish it, import the same file ({job.fileName}) again</strong> and confirm its dry run. Each row’s request token makes the
                re-run safe: rows already created are found in AWS and not written again, none is duplicated.
              </p>
            </div>
          ) : null}
          {view?.ok && view.data?.persistError ? (
            <p className="alert warn">
              This import’s progress could not be saved to disk ({view.data.persistError}): if the console restarts, this view is lost (the users
              created are not).
            </p>
          ) : null}
          {resetCount !== null ? (
            <p className="alert ok" role="status">
              {resetCount === 1 ? '1 password was reset' : `${resetCount} passwords were reset`} (one audit record each). Download them once below.
            </p>
          ) : null}
          {job.state !== 'running' && job.passwordsWaiting ? (
            <form method="post" action={`/servers/${serverId}/import/passwords`} className="alert warn">
              <input type="hidden" name="importId" value={job.importId} />
              <p>
                The generated passwords can be downloaded once, as a CSV of user name, password and how to connect. After that the console forgets
                them.
              </p>
              <button type="submit" className="primary">
                Download the passwords (once)
              </button>
            </form>
          ) : null}
          {job.passwordsDownloaded ? <p className="alert ok">The passwords were downloaded and are no longer on the server.</p> : null}
          {needReset.length > 0 ? (
            <section className="alert warn" aria-labelledby="reset-heading">
              <h3 id="reset-heading">{needReset.length === 1 ? '1 user needs' : `${needReset.length} users need`} a new password</h3>
              <p>
                These users were created with a generated password that was never downloaded: it was kept only in the memory of the console process
                (never on disk), which {job.state === 'interrupted' ? 'stopped' : 'has forgotten it'}. Nobody knows these passwords. Reset them all
                here (each user’s generated passwords, as Reset password does, with one audit record each; the new passwords are then downloaded
                once), or each one from its page.
              </p>
              {job.state !== 'running' ? (
                <ResetLostPasswords action={resetLostPasswordsAction.bind(null, serverId, job.importId)} count={needReset.length} />
              ) : null}
              <ul aria-label="Users whose password was lost">
                {needReset.map((name) => (
                  <li key={name}>
                    <Link href={userLink(name)}>{name}</Link>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {job.counts.failed > 0 && job.state === 'finished' ? (
            <p className="alert warn">
              Rows that failed can be retried by importing the same file again: rows already created are not written twice.
            </p>
          ) : null}
          <table aria-label="Row results">
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">User</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {job.results.map((r) => (
                <tr key={r.row}>
                  <td>{r.row}</td>
                  <td>{r.username || '—'}</td>
                  <td>
                    <span className={`badge ${r.status === 'failed' ? 'danger' : r.status === 'created' ? 'ok' : ''}`}>
                      {job.state === 'interrupted' && r.status === 'pending' ? 'Not reached' : STATUS_LABELS[r.status]}
                    </span>{' '}
                    {r.message}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      {recovered ? (
        recovered.ok ? (
          <p className="alert warn" role="status">
            {recovered.data.size} users of import {importId} exist on this server. This console has no record of the run itself (its record is kept{' '}
            {JOB_FILES_KEPT_DAYS} days, or it ran on another console): import the same file again to finish it; rows already created are not written
            twice. Users it created with a generated password that was never downloaded need a password reset.
          </p>
        ) : (
          <LoadError message={recovered.message} />
        )
      ) : null}
      {recent?.ok && recent.data.length > 0 ? (
        <section aria-labelledby="recent-heading">
          <h2 id="recent-heading">Recent imports</h2>
          <table aria-label="Recent imports">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Started</th>
                <th scope="col">By</th>
                <th scope="col">State</th>
                <th scope="col">Rows</th>
              </tr>
            </thead>
            <tbody>
              {recent.data.map(({ job: r, needReset: lost }) => (
                <tr key={r.importId}>
                  <td>
                    <Link href={`?job=${r.importId}`}>{r.fileName}</Link>
                  </td>
                  <td>{when(r.startedAt)}</td>
                  <td>{r.actor}</td>
                  <td>
                    {r.state === 'interrupted' ? <span className="badge warn">Interrupted</span> : r.state === 'running' ? 'Running' : 'Finished'}
                    {lost.length ? <span className="badge warn">{lost.length} need a new password</span> : null}
                  </td>
                  <td>
                    {r.counts.created} created, {r.counts.failed} failed of {r.total}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">Records of imports are kept {JOB_FILES_KEPT_DAYS} days; they never hold a password.</p>
        </section>
      ) : null}
      <h2>Upload</h2>
      <p>
        Every row is checked first by the same rules as the create form; nothing is written until you confirm the dry run. Download the{' '}
        <a href={`/servers/${serverId}/import/template`}>CSV template</a>, or import a JSON <Link href={`/servers/${serverId}/export`}>export</Link>.
      </p>
      <ImportFlow dryRunAction={dryRunImportAction.bind(null, serverId)} applyAction={applyImportAction.bind(null, serverId)} />
      <details>
        <summary>The CSV columns</summary>
        <dl>
          {CSV_COLUMNS.map((c) => (
            <div key={c}>
              <dt>
                <code>{c}</code>
              </dt>
              <dd>{COLUMN_HELP[c]}</dd>
            </div>
          ))}
        </dl>
      </details>
    </>
  );
}
