'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { isIP } from 'node:net';
import { z } from 'zod';
import { authedAction } from '@/lib/auth/authed-action';
import { userFormSchema } from '@/lib/console/user-form';
import {
  createUser,
  deleteUser,
  previewUser,
  resetPassword,
  restoreUser,
  setUserDisabled,
  testLogin,
  updateUser,
} from '@/lib/console/users';
import { PROTOCOLS } from '@/lib/secret/contract';

const serverId = z.string().regex(/^s-[0-9a-f]{17}$/, 'Unknown server');
const username = z.string().min(1, 'Enter a user name').max(100, 'User names are at most 100 characters');
const usersPath = (id: string) => `/servers/${id}/users`;

export const previewUserAction = authedAction('admin', z.object({ serverId, form: userFormSchema, editing: z.string().optional() }), async (input) => ({
  status: 'success',
  data: await previewUser(input.serverId, input.form, { editing: input.editing }),
}));

export const createUserAction = authedAction('admin', z.object({ serverId, form: userFormSchema }), async (input, { actor }) => {
  const created = await createUser(input.serverId, input.form, actor);
  revalidatePath(usersPath(input.serverId));
  return { status: 'success', message: `User ${created.username} was created.`, data: created };
});

export const updateUserAction = authedAction(
  'admin',
  z.object({ serverId, username, versionId: z.string().min(1), form: userFormSchema }),
  async (input, { actor }) => {
    const updated = await updateUser(input.serverId, input.username, input.form, input.versionId, actor);
    revalidatePath(usersPath(input.serverId));
    return { status: 'success', message: `Changes to ${input.username} were saved.`, data: updated };
  },
);

export const resetPasswordAction = authedAction('helpdesk', z.object({ serverId, username }), async (input, { actor }) => {
  const { password } = await resetPassword(input.serverId, input.username, actor);
  revalidatePath(usersPath(input.serverId));
  return { status: 'success', message: `The password of ${input.username} was reset.`, data: { password } };
});

export const setUserDisabledAction = authedAction(
  'helpdesk',
  z.object({ serverId, username, disabled: z.enum(['true', 'false']).transform((v) => v === 'true') }),
  async (input, { actor }) => {
    await setUserDisabled(input.serverId, input.username, input.disabled, actor);
    revalidatePath(usersPath(input.serverId));
    revalidatePath(`${usersPath(input.serverId)}/${input.username}`);
    return { status: 'success', message: `${input.username} is now ${input.disabled ? 'disabled: every login is refused' : 'enabled'}.` };
  },
);

export const testLoginAction = authedAction(
  'helpdesk',
  z.object({
    serverId,
    username,
    password: z.string().min(1, 'Enter the password to test').max(1024, 'Passwords are at most 1024 characters'),
    sourceIp: z
      .string()
      .trim()
      .refine((ip) => ip === '' || isIP(ip) !== 0, 'Enter an IPv4 or IPv6 address, or leave it empty')
      .default(''),
    protocol: z.enum(PROTOCOLS).default('SFTP'),
  }),
  async (input, { actor }) => ({
    status: 'success',
    data: await testLogin(input.serverId, { username: input.username, password: input.password, sourceIp: input.sourceIp || undefined, protocol: input.protocol }, actor),
  }),
);

export const deleteUserAction = authedAction(
  'admin',
  z
    .object({
      serverId,
      username,
      confirmation: z.string(),
      recoveryWindowInDays: z.coerce.number({ error: 'Choose 7 to 30 days' }).int('Choose 7 to 30 days').min(7, 'Choose 7 to 30 days').max(30, 'Choose 7 to 30 days'),
    })
    .refine((input) => input.confirmation === input.username, { path: ['confirmation'], message: 'Type the user name exactly to confirm' }),
  async (input, { actor }) => {
    await deleteUser(input.serverId, input.username, input.recoveryWindowInDays, actor);
    revalidatePath(usersPath(input.serverId));
    redirect(`${usersPath(input.serverId)}?deleted=${encodeURIComponent(input.username)}`);
  },
);

export const restoreUserAction = authedAction('admin', z.object({ serverId, username }), async (input, { actor }) => {
  await restoreUser(input.serverId, input.username, actor);
  revalidatePath(usersPath(input.serverId));
  redirect(`${usersPath(input.serverId)}?restored=${encodeURIComponent(input.username)}`);
});
