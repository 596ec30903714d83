'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { authedAction } from '@/lib/auth/authed-action';
import { userFormFieldsSchema } from '@/lib/console/user-form';
import { fieldNameForFormPath } from '@/lib/console/user-form-fields';
import { createUser, deleteUser, resetPassword, restoreUser, changeUserDisabled, updateUser, RESETTABLE_PASSWORDS } from '@/lib/console/users';

const serverId = z.string().regex(/^s-[0-9a-f]{17}$/, 'Unknown server');
const username = z.string().min(1, 'Enter a user name').max(100, 'User names are at most 100 characters');
const reason = z.string().trim().max(500, 'Keep the reason under 500 characters').default('');
/** Sentences to show beside a result (a queued audit record, an unconfirmed save), never instead of it. */
const notice = (notices: readonly string[]) => (notices.length ? { notice: notices.join(' ') } : {});
const usersPath = (id: string) => `/servers/${id}/users`;
const userPath = (id: string, name: string) => `${usersPath(id)}/${encodeURIComponent(name)}`;

/** The form's own fields nest under `form`; its errors are keyed by the inputs' names. */
const formFieldName = (path: readonly PropertyKey[]) => (path[0] === 'form' ? fieldNameForFormPath(path.slice(1)) : String(path[0] ?? '_form'));
const withForm = <S extends z.ZodRawShape>(shape: S) =>
  z.preprocess(
    (raw) => {
      const values = (raw ?? {}) as Record<string, unknown>;
      return { ...values, form: values };
    },
    z.object({ ...shape, form: userFormFieldsSchema }),
  );

export const createUserAction = authedAction(
  'admin',
  // suggestedUid: the UID the page suggested, so a save can tell it from one the admin chose.
  withForm({ serverId, suggestedUid: z.string().max(20).optional() }),
  async (input, { actor }) => {
    const created = await createUser(input.serverId, input.form, actor, { suggestedUid: input.suggestedUid });
    revalidatePath(usersPath(input.serverId));
    return {
      status: 'success',
      message: created.outcome === 'unconfirmed' ? `User ${created.username} may have been created.` : `User ${created.username} was created.`,
      data: created,
      ...notice(created.notices),
    };
  },
  { bound: ['serverId'], fieldName: formFieldName },
);

export const updateUserAction = authedAction(
  'admin',
  withForm({ serverId, username, versionId: z.string().min(1, 'Reload the page: the form does not say which version it edits') }),
  async (input, { actor }) => {
    const updated = await updateUser(input.serverId, input.username, input.form, input.versionId, actor);
    if (!updated.changed) return { status: 'success', message: 'No changes to save: the user is exactly as stored.', data: updated };
    revalidatePath(userPath(input.serverId, input.username));
    revalidatePath(usersPath(input.serverId));
    return {
      status: 'success',
      message: updated.outcome === 'unconfirmed' ? `Changes to ${input.username} may have been saved.` : `Changes to ${input.username} were saved.`,
      data: updated,
      ...notice(updated.notices),
    };
  },
  { bound: ['serverId', 'username'], fieldName: formFieldName },
);

export const resetPasswordAction = authedAction(
  'helpdesk',
  z.object({
    serverId,
    username,
    passwords: z
      .union([z.enum(RESETTABLE_PASSWORDS), z.array(z.enum(RESETTABLE_PASSWORDS))])
      .optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
    reason,
  }),
  async (input, { actor }) => {
    const reset = await resetPassword(input.serverId, input.username, actor, { passwords: input.passwords, reason: input.reason });
    revalidatePath(userPath(input.serverId, input.username));
    return { status: 'success', message: reset.message, data: reset };
  },
  { bound: ['serverId', 'username'] },
);

export const setUserDisabledAction = authedAction(
  'helpdesk',
  z.object({
    serverId,
    username,
    disabled: z.enum(['true', 'false'], { error: 'Choose to disable or enable' }).transform((v) => v === 'true'),
    reason,
  }),
  async (input, { actor }) => {
    const { versionId, notices } = await changeUserDisabled(input.serverId, input.username, input.disabled, actor, { reason: input.reason });
    revalidatePath(usersPath(input.serverId));
    revalidatePath(userPath(input.serverId, input.username));
    return {
      status: 'success',
      // The help-desk panel shows the message only, so a queued audit record is said in it.
      message: [`${input.username} is now ${input.disabled ? 'disabled: every login is refused' : 'enabled'}.`, ...notices].join(' '),
      data: { disabled: input.disabled, versionId },
    };
  },
  { bound: ['serverId', 'username'] },
);

export const deleteUserAction = authedAction(
  'admin',
  z
    .object({
      serverId,
      username,
      confirmation: z.string().default(''),
      recoveryWindowInDays: z.coerce
        .number({ error: 'Choose 7 to 30 days' })
        .int('Choose 7 to 30 days')
        .min(7, 'Choose 7 to 30 days')
        .max(30, 'Choose 7 to 30 days'),
    })
    .refine((input) => input.confirmation === input.username, { path: ['confirmation'], message: 'Type the user name exactly to confirm' }),
  async (input, { actor }) => {
    const deleted = await deleteUser(input.serverId, input.username, input.recoveryWindowInDays, actor);
    revalidatePath(usersPath(input.serverId));
    redirect(`${usersPath(input.serverId)}?deleted=${encodeURIComponent(input.username)}${deleted.notices.length ? '&audit=queued' : ''}`);
  },
  { bound: ['serverId', 'username'] },
);

export const restoreUserAction = authedAction(
  'admin',
  z.object({ serverId, username }),
  async (input, { actor }) => {
    const restored = await restoreUser(input.serverId, input.username, actor);
    revalidatePath(usersPath(input.serverId));
    redirect(`${usersPath(input.serverId)}?restored=${encodeURIComponent(input.username)}${restored.notices.length ? '&audit=queued' : ''}`);
  },
  { bound: ['serverId', 'username'] },
);
