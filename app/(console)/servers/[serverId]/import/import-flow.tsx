'use client';

import { useActionState, useState } from 'react';
import { FormMessage } from '@/components/form-message';
import { SubmitButton } from '@/components/submit-button';
import type { ActionState } from '@/lib/auth/authed-action';
import type { DryRun } from '@/lib/console/bulk/dry-run';

type Props = {
  dryRunAction: (state: ActionState<DryRun>, formData: FormData) => Promise<ActionState<DryRun>>;
  applyAction: (state: ActionState, formData: FormData) => Promise<ActionState>;
};

/** Upload or paste, dry run, read the summary, then confirm: nothing is written before the confirm. */
export function ImportFlow({ dryRunAction, applyAction }: Props) {
  const [dryRunState, runDryRun] = useActionState(dryRunAction, { status: 'idle' });
  const [applyState, apply] = useActionState(applyAction, { status: 'idle' });
  const posted = dryRunState.status === 'error' ? dryRunState.values : undefined;
  const [fileText, setFileText] = useState(typeof posted?.fileText === 'string' ? posted.fileText : '');
  const [fileName, setFileName] = useState('users.csv');
  const dryRun = dryRunState.status === 'success' ? dryRunState.data : undefined;
  const fileError = dryRunState.status === 'error' ? dryRunState.fieldErrors?.fileText?.[0] : undefined;

  return (
    <>
      <form action={runDryRun} aria-label="Dry run">
        <div className="field">
          <label htmlFor="import-file">CSV or JSON file</label>
          <input
            id="import-file"
            type="file"
            accept=".csv,.json,text/csv,application/json"
            onChange={(event) => {
              const chosen = event.currentTarget.files?.[0];
              if (!chosen) return;
              setFileName(chosen.name);
              chosen.text().then(setFileText, () => setFileText(''));
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="fileText">Or paste its content</label>
          <textarea
            id="fileText"
            name="fileText"
            rows={8}
            value={fileText}
            onChange={(e) => setFileText(e.target.value)}
            spellCheck={false}
            aria-describedby={fileError ? 'fileText-error' : undefined}
            aria-invalid={fileError ? true : undefined}
          />
          {fileError ? (
            <p id="fileText-error" className="error">
              {fileError}
            </p>
          ) : null}
        </div>
        <input type="hidden" name="fileName" value={fileName} />
        <SubmitButton pendingText="Checking every row…">Dry run</SubmitButton>
        <FormMessage state={dryRunState} />
      </form>

      {dryRun ? (
        <section aria-labelledby="dry-run-heading">
          <h2 id="dry-run-heading">Dry run</h2>
          <p role="status">
            {dryRun.summary.total} rows: <strong>{dryRun.summary.valid} ready</strong>, <strong>{dryRun.summary.invalid} with errors</strong> (not
            imported), {dryRun.summary.warnings} with warnings. {dryRun.summary.passwords} will get a generated password, delivered once as a file
            after the import.
          </p>
          <table aria-label="Rows">
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">User</th>
                <th scope="col">Result</th>
                <th scope="col">Preview</th>
              </tr>
            </thead>
            <tbody>
              {dryRun.rows.map((row) => (
                <tr key={row.row}>
                  <td>{row.row}</td>
                  <td>{row.username || '—'}</td>
                  <td>
                    {row.errors.length ? <span className="badge danger">Error</span> : <span className="badge ok">Ready</span>}
                    {row.errors.length ? (
                      <ul aria-label={`Errors of row ${row.row}`}>
                        {row.errors.map((e, i) => (
                          <li key={i}>
                            <code>{e.column}</code>: {e.message}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                    {row.warnings.length ? (
                      <ul aria-label={`Warnings of row ${row.row}`}>
                        {row.warnings.map((w, i) => (
                          <li key={i}>
                            <span className="badge warn">Warning</span> {w}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                  <td>
                    {row.secretPreview ? (
                      <details>
                        <summary>Secret and Lambda answer</summary>
                        <pre>{JSON.stringify(row.secretPreview, null, 2)}</pre>
                        <pre>{JSON.stringify(row.lambdaAnswer, null, 2)}</pre>
                      </details>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {dryRun.summary.valid > 0 ? (
            <form action={apply} aria-label="Confirm the import">
              <input type="hidden" name="fileText" value={fileText} />
              <input type="hidden" name="fileName" value={fileName} />
              <input type="hidden" name="importId" value={dryRun.importId} />
              <p>
                Import {dryRun.importId}: {dryRun.summary.valid} users will be created
                {dryRun.summary.invalid ? `; the ${dryRun.summary.invalid} rows with errors are skipped` : ''}. Users that already exist are left as
                they are.
              </p>
              <SubmitButton pendingText="Starting…">{`Create ${dryRun.summary.valid} users`}</SubmitButton>
              <FormMessage state={applyState} />
            </form>
          ) : (
            <p className="alert error">No row can be imported. Fix the file and run the dry run again.</p>
          )}
        </section>
      ) : null}
    </>
  );
}
