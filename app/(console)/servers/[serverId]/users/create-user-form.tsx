'use client';

import { useRef } from 'react';
import Link from 'next/link';
import { ConnectionInstructions } from '@/components/connection-instructions';
import { OneTimeSecret } from '@/components/one-time-secret';
import { connectionDetails, type ConnectionServer } from '@/lib/console/connection';
import { SubmitButton } from '@/components/submit-button';
import { fieldLabel } from '@/lib/console/user-form-fields';
import type { UserFormInput } from '@/lib/console/user-form';
import { createUserAction } from './actions';
import { FormTop, PreviewPanel, UserFields, userPreviewUrl, useUserForm, type FormContext } from './user-fields';

export function CreateUserForm({
  context,
  initial,
  unavailable = false,
  connection,
}: {
  context: FormContext;
  initial: UserFormInput;
  unavailable?: boolean;
  /** The server's endpoint, for the connection instructions that carry the one-time password. */
  connection?: { server: ConnectionServer; region: string };
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const user = useUserForm({
    formRef,
    initial,
    action: createUserAction.bind(null, context.serverId),
    previewUrl: userPreviewUrl(context.serverId),
  });
  const { state } = user;
  const labelFor = (field: string) => fieldLabel(field, context.domain === 'EFS' ? 'File system' : 'Bucket');

  if (state.status === 'success' && state.data?.username) {
    const created = { ...state.data, username: state.data.username };
    return (
      <div className="card">
        {created.outcome === 'unconfirmed' ? (
          <p className="alert warn" role="status">
            {state.message}
          </p>
        ) : (
          <p className="alert ok" role="status">
            User <strong>{created.username}</strong> was created.
          </p>
        )}
        {state.notice ? <p className="alert warn">{state.notice}</p> : null}
        {created.passwords?.main ? <OneTimeSecret label="Password" value={created.passwords.main} /> : null}
        {(['SFTP', 'FTP', 'FTPS'] as const).map((p) =>
          created.passwords?.[p] ? <OneTimeSecret key={p} label={`${p} password`} value={created.passwords[p]} /> : null,
        )}
        {connection ? (
          <ConnectionInstructions
            details={connectionDetails(connection.server, connection.region, created.username, {
              homeDirectoryType: null,
              homeDirectory: null,
              homeDirectoryMappings: [],
            })}
            {...(created.passwords?.main ? { password: created.passwords.main } : {})}
          />
        ) : null}
        <p className="toolbar">
          <Link className="button" href={`/servers/${context.serverId}/users/${encodeURIComponent(created.username)}`}>
            Open {created.username}
          </Link>
          <Link className="button" href={`/servers/${context.serverId}/users`}>
            Back to users
          </Link>
        </p>
      </div>
    );
  }

  if (unavailable && state.status === 'idle') return null;

  return (
    <div className="two-col">
      <form ref={formRef} action={user.dispatch} onSubmit={user.onSubmit} noValidate aria-label="Create user">
        <FormTop state={state} localRefusal={user.localRefusal} labelFor={labelFor} />
        {/* The UID this page suggested: a save reserves it, and refuses it if another save took it since. */}
        <input type="hidden" name="suggestedUid" value={initial.uid} />
        <UserFields mode="create" hasPassword={false} {...context} user={user} warnings={user.preview?.fieldWarnings ?? {}} />
        <SubmitButton pendingText="Creating…" pending={user.pending}>
          Create user
        </SubmitButton>
      </form>
      <PreviewPanel preview={user.preview} pending={user.previewPending} note={user.previewNote} />
    </div>
  );
}
