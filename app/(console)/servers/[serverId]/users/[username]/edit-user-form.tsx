'use client';

import { useRef } from 'react';
import { OneTimeSecret } from '@/components/one-time-secret';
import { SubmitButton } from '@/components/submit-button';
import { fieldLabel } from '@/lib/console/user-form-fields';
import type { UserFormInput } from '@/lib/console/user-form';
import { updateUserAction } from '../actions';
import { FormTop, PreviewPanel, UserFields, userPreviewUrl, useUserForm, type FormContext } from '../user-fields';
import { useUserWrites } from './user-writes';

/** What the page knows of the stored user; null when its re-load failed (the form keeps what it has). */
export type EditTarget = { initial: UserFormInput; versionId: string; hasPassword: boolean; homeType: 'PATH' | 'LOGICAL' | null } | null;

export function EditUserForm({
  context,
  username,
  target,
  reloadError,
}: {
  context: FormContext;
  username: string;
  target: EditTarget;
  reloadError?: string;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const { last: ownWrite } = useUserWrites();
  const user = useUserForm({
    ownWrite,
    formRef,
    initial: target?.initial ?? emptyForm(username),
    versionId: target?.versionId,
    action: updateUserAction.bind(null, context.serverId, username),
    previewUrl: userPreviewUrl(context.serverId),
    editing: username,
  });
  const { state } = user;
  const labelFor = (field: string) => fieldLabel(field, context.domain === 'EFS' ? 'File system' : 'Bucket');
  if (!user.versionId)
    return <p className="alert error">{reloadError ?? 'The user could not be loaded, so it cannot be edited now. Reload the page.'}</p>;

  return (
    <div className="two-col">
      <form ref={formRef} action={user.dispatch} onSubmit={user.onSubmit} noValidate aria-label={`Edit ${username}`}>
        <FormTop state={state} localRefusal={user.localRefusal} labelFor={labelFor}>
          {reloadError ? <p className="alert warn">{reloadError} What is shown here may be out of date.</p> : null}
          {state.status === 'success' && state.data?.passwords?.main ? (
            <OneTimeSecret label="New password" value={state.data.passwords.main} />
          ) : null}
          {(['SFTP', 'FTP', 'FTPS'] as const).map((p) =>
            state.status === 'success' && state.data?.passwords?.[p] ? (
              <OneTimeSecret key={p} label={`${p} password`} value={state.data.passwords[p]} />
            ) : null,
          )}
        </FormTop>
        <input type="hidden" name="versionId" value={user.versionId} />
        <p className="muted" data-testid="home-type">
          Home directory now:{' '}
          {target?.homeType === 'PATH'
            ? 'one folder at its full path (PATH)'
            : target?.homeType === 'LOGICAL'
              ? 'logical (the user sees mapped folders)'
              : 'none stored'}
          .
        </p>
        <UserFields
          mode="edit"
          hasPassword={target?.hasPassword ?? user.form.password.mode === 'keep'}
          {...context}
          user={user}
          warnings={user.preview?.fieldWarnings ?? {}}
        />
        <SubmitButton pendingText="Saving…" pending={user.pending}>
          Save changes
        </SubmitButton>
      </form>
      <PreviewPanel preview={user.preview} pending={user.previewPending} note={user.previewNote} />
    </div>
  );
}

function emptyForm(username: string): UserFormInput {
  return {
    username,
    password: { mode: 'keep', storage: 'hash' },
    protocolPasswords: {},
    publicKeys: '',
    role: '',
    uid: '',
    gid: '',
    secondaryGids: '',
    homeMode: 'root',
    rootLocation: '',
    rootPath: '',
    mappings: [],
    acceptedIpNetwork: '',
    expiresAt: '',
    policy: '',
    disabled: false,
  };
}
