'use client';

import { useActionState, useState } from 'react';
import { ErrorSummary } from '@/components/error-summary';
import { Field } from '@/components/field';
import { FormMessage } from '@/components/form-message';
import { OneTimeSecret } from '@/components/one-time-secret';
import { SubmitButton } from '@/components/submit-button';
import type { ActionState } from '@/lib/auth/authed-action';
import { fieldLabel } from '@/lib/console/user-form-fields';
import type { ConnectionDetails } from '@/lib/console/connection';
import type { ExistingPassword, PasswordSlot } from '@/lib/console/users';
import { resetPasswordAction, setUserDisabledAction } from '../actions';
import { ConnectionInstructions } from '@/components/connection-instructions';
import { TestLoginForm, type KeyOnFile } from './test-login-form';
import { useUserWrites } from './user-writes';

/** What the page knows of the user; null when its re-load failed (the panel keeps what it knew). */
export type PanelFacts = { disabled: boolean; passwords: ExistingPassword[]; protocols: string[] } | null;

type ResetData = { passwords: Partial<Record<PasswordSlot, string>>; versionId?: string };

const slotLabel = (slot: PasswordSlot) => (slot === 'main' ? 'Password' : `${slot} password`);

function one(values: Record<string, string | string[]> | undefined, key: string): string {
  const value = values && Object.hasOwn(values, key) ? values[key] : undefined;
  return typeof value === 'string' ? value : (value?.[0] ?? '');
}

export function HelpdeskPanel({
  serverId,
  username,
  facts,
  keysOnFile = [],
  connection = null,
}: {
  serverId: string;
  username: string;
  facts: PanelFacts;
  keysOnFile?: KeyOnFile[];
  connection?: ConnectionDetails | null;
}) {
  // The last facts the page gave: a failed re-load after an action does not hide its result.
  const [known, setKnown] = useState(facts);
  const [disabled, setDisabled] = useState(facts?.disabled ?? false);
  if (facts && JSON.stringify(facts) !== JSON.stringify(known)) {
    setKnown(facts);
    setDisabled(facts.disabled);
  }
  const [resetState, resetAction, resetPending] = useActionState<ActionState<ResetData>, FormData>(
    resetPasswordAction.bind(null, serverId, username),
    { status: 'idle' },
  );
  const { noteWrite } = useUserWrites();
  const [disableState, disableAction, disablePending] = useActionState<ActionState<{ disabled: boolean; versionId?: string }>, FormData>(
    setUserDisabledAction.bind(null, serverId, username),
    {
      status: 'idle',
    },
  );
  // The action's own answer holds even when the page's re-load after it fails.
  const [seenDisable, setSeenDisable] = useState(disableState);
  if (disableState !== seenDisable) {
    setSeenDisable(disableState);
    if (disableState.status === 'success' && disableState.data) {
      setDisabled(disableState.data.disabled);
      if (disableState.data.versionId) noteWrite({ versionId: disableState.data.versionId, disabled: disableState.data.disabled });
    }
  }
  const [seenReset, setSeenReset] = useState(resetState);
  if (resetState !== seenReset) {
    setSeenReset(resetState);
    if (resetState.status === 'success' && resetState.data?.versionId) noteWrite({ versionId: resetState.data.versionId });
  }
  const passwords = known?.passwords ?? [];
  const protocols = known?.protocols ?? ['SFTP'];

  return (
    <section aria-labelledby="helpdesk-heading" className="card">
      <h2 id="helpdesk-heading" style={{ marginTop: 0 }}>
        Help desk
      </h2>

      <form action={resetAction} aria-label="Reset password">
        {resetState.status === 'error' ? (
          <ErrorSummary
            message={resetState.message}
            fieldErrors={resetState.fieldErrors}
            labelFor={(f) => fieldLabel(f)}
            trigger={resetState}
            signInHref={resetState.code === 'session-ended' ? '/signin' : undefined}
          />
        ) : (
          <FormMessage state={resetState} />
        )}
        {resetState.status === 'success'
          ? Object.entries(resetState.data?.passwords ?? {}).map(([slot, value]) => (
              <OneTimeSecret key={slot} label={slot === 'main' ? 'New password' : `New ${slot} password`} value={value} />
            ))
          : null}
        {resetState.status === 'success' && connection && resetState.data?.passwords.main ? (
          <ConnectionInstructions details={connection} password={resetState.data.passwords.main} />
        ) : null}
        {known && passwords.length === 0 ? (
          <p className="muted">{username} signs in with SSH keys only: there is no password to reset. An admin can add one by editing the user.</p>
        ) : (
          <details>
            <summary className="button">Reset password</summary>
            <p className="muted">
              A new password is generated and shown once; the old one stops working at once. Only passwords the user already has are reset, each
              stored as before
              {passwords.some((p) => p.kind === 'plaintext')
                ? ' (a legacy plaintext password stays plaintext, as this server may run AWS’s sample Lambda)'
                : ''}
              .
            </p>
            {passwords.length > 1 ? (
              <fieldset id="passwords" tabIndex={-1}>
                <legend>Passwords to reset</legend>
                {passwords.map((p) => (
                  <label key={p.slot} style={{ display: 'block' }}>
                    <input type="checkbox" name="passwords" value={p.slot} defaultChecked={p.slot === 'main'} /> {slotLabel(p.slot)}
                    {p.kind === 'plaintext' ? ' (legacy plaintext)' : ''}
                  </label>
                ))}
              </fieldset>
            ) : passwords.length === 1 ? (
              <input type="hidden" name="passwords" value={passwords[0]!.slot} />
            ) : null}
            <ReasonField id="reset-reason" state={resetState} />
            <SubmitButton pendingText="Resetting…" className="danger" pending={resetPending}>
              Confirm password reset
            </SubmitButton>
          </details>
        )}
      </form>

      <form action={disableAction} aria-label={disabled ? 'Enable user' : 'Disable user'} style={{ marginTop: 12 }}>
        <input type="hidden" name="disabled" value={disabled ? 'false' : 'true'} />
        {disableState.status === 'error' ? (
          <ErrorSummary
            message={disableState.message}
            labelFor={(f) => fieldLabel(f)}
            trigger={disableState}
            signInHref={disableState.code === 'session-ended' ? '/signin' : undefined}
          />
        ) : (
          <FormMessage state={disableState} />
        )}
        {disabled ? (
          <SubmitButton pendingText="Enabling…" className="" pending={disablePending}>
            Enable user
          </SubmitButton>
        ) : (
          <details>
            <summary className="button danger">Disable user</summary>
            <p className="muted">Every login of {username} is refused until the user is enabled again. Nothing else changes.</p>
            <ReasonField id="disable-reason" state={disableState} />
            <SubmitButton pendingText="Disabling…" className="danger" pending={disablePending}>
              Confirm disable
            </SubmitButton>
          </details>
        )}
      </form>

      <TestLoginForm serverId={serverId} username={username} protocols={protocols} keysOnFile={keysOnFile} />
    </section>
  );
}

/** The optional reason a reset or disable records in the audit trail, kept after a refused submit. */
function ReasonField({ id, state }: { id: string; state: ActionState<unknown> }) {
  return (
    <Field id={id} label="Reason (optional, kept in the audit trail)">
      {(props) => (
        <input
          {...props}
          name="reason"
          autoComplete="off"
          maxLength={500}
          defaultValue={state.status === 'error' ? one(state.values, 'reason') : ''}
        />
      )}
    </Field>
  );
}
