import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AutoRefresh } from '@/components/auto-refresh';
import { LoadError } from '@/components/load-error';
import { requirePageRole } from '@/lib/auth/session';
import { importStatus, usersOfImport } from '@/lib/console/bulk/apply';
import { COLUMN_HELP, CSV_COLUMNS } from '@/lib/console/bulk/format';
import { load } from '@/lib/console/load';
import { serverIdFromSegment } from '@/lib/console/route-params';
import { getServer } from '@/lib/console/servers';
import { applyImportAction, dryRunImportAction } from './actions';
import { ImportFlow } from './import-flow';

export const metadata = { title: 'Import users' };

type Props = { params: Promise<{ serverId: string }>; searchParams: Promise<{ job?: string }> };

const STATUS_LABELS = {
  pending: 'Waiting',
  created: 'Created',
  'already-created': 'Already created',
  'skipped-existing': 'Exists, skipped',
  failed: 'Failed',
} as const;

export default async function ImportPage({ params, searchParams }: Props) {
  await requirePageRole('admin');
  const serverId = serverIdFromSegment((await params).serverId);
  if (!serverId) notFound();
  const jobParam = (await searchParams).job;
  const importId = typeof jobParam === 'string' && /^[0-9a-f-]{36}$/.test(jobParam) ? jobParam : null;
  const server = await load('the server', () => getServer(serverId));
  if (server.ok && !server.data) notFound();
  const title = server.ok ? (server.data!.name ?? serverId) : serverId;
  const job = importId ? importStatus(importId) : null;
  const recovered =
    importId && (!job || job.serverId !== serverId) ? await load('the users of this import', () => usersOfImport(serverId, importId)) : null;
  const done = job ? job.total - job.results.filter((r) => r.status === 'pending').length : 0;

  return (
    <>
      <p>
        <Link href="/servers">Servers</Link> / <Link href={`/servers/${serverId}/users`}>Users of {title}</Link> /
      </p>
      <h1>Import users into {title}</h1>
      {!server.ok ? <LoadError message={server.message} /> : null}
      {job && job.serverId === serverId ? (
        <section aria-labelledby="progress-heading">
          <AutoRefresh active={job.state === 'running'} />
          <h2 id="progress-heading">Import {job.importId}</h2>
          <label htmlFor="import-progress">{job.state === 'running' ? 'Importing…' : 'Finished'}</label>{' '}
          <progress id="import-progress" max={job.total} value={done}>
            {done} of {job.total}
          </progress>
          <p role="status">
            {done} of {job.total} rows done: {job.counts.created} created, {job.counts['already-created']} already created by this import,{' '}
            {job.counts['skipped-existing']} existing left as they are, {job.counts.failed} failed.
          </p>
          {job.state === 'finished' && job.passwordsWaiting ? (
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
                      {STATUS_LABELS[r.status]}
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
            {recovered.data.size} users of import {importId} exist on this server. This console has no record of the run itself (it was restarted, or
            ran elsewhere): import the same file again to finish it; rows already created are not written twice.
          </p>
        ) : (
          <LoadError message={recovered.message} />
        )
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
