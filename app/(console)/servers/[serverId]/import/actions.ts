'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { authedAction } from '@/lib/auth/authed-action';
import { resetLostPasswords, startImport } from '@/lib/console/bulk/apply';
import { planImport, type DryRun } from '@/lib/console/bulk/dry-run';
import { BulkFileError, MAX_FILE_BYTES } from '@/lib/console/bulk/format';
import { ConsoleError } from '@/lib/console/errors';

const serverId = z.string().regex(/^s-[0-9a-f]{17}$/, 'Unknown server');
const file = {
  fileName: z.string().trim().max(255).default('users.csv'),
  fileText: z
    .string()
    .min(1, 'Choose a CSV or JSON file, or paste its content')
    .max(MAX_FILE_BYTES, 'The file is larger than 5 MB; split it into several imports'),
};

const asConsoleError = (err: unknown) =>
  err instanceof BulkFileError ? new ConsoleError(`${err.message} Nothing was written.`, { fileText: [err.message] }) : err;

export const dryRunImportAction = authedAction(
  'admin',
  z.object({ serverId, ...file }),
  async (input) => {
    try {
      const { dryRun } = await planImport(input.serverId, input.fileName || 'users.csv', input.fileText);
      return { status: 'success', data: dryRun } as const;
    } catch (err) {
      throw asConsoleError(err);
    }
  },
  { bound: ['serverId'] },
);

export type DryRunState = Awaited<ReturnType<typeof dryRunImportAction>> & { data?: DryRun };

export const applyImportAction = authedAction(
  'admin',
  z.object({ serverId, ...file, importId: z.string().regex(/^[0-9a-f-]{36}$/, 'Run the dry run first') }),
  async (input, { actor }) => {
    try {
      await startImport(input.serverId, input.fileName || 'users.csv', input.fileText, input.importId, actor);
    } catch (err) {
      throw asConsoleError(err);
    }
    redirect(`/servers/${input.serverId}/import?job=${input.importId}`);
  },
  { bound: ['serverId'] },
);

export const resetLostPasswordsAction = authedAction(
  'admin',
  z.object({ serverId, importId: z.string().regex(/^[0-9a-f-]{36}$/, 'Say which import') }),
  async (input, { actor }) => {
    const { reset, failed } = await resetLostPasswords(input.serverId, input.importId, actor);
    if (failed.length > 0) {
      revalidatePath(`/servers/${input.serverId}/import`);
      return {
        status: 'error',
        message: `${reset.length === 1 ? '1 password' : `${reset.length} passwords`} reset (download them above); ${failed.length} not: ${failed.map((f) => `${f.username}: ${f.message}`).join(' ')}`,
      } as const;
    }
    redirect(`/servers/${input.serverId}/import?job=${input.importId}&reset=${reset.length}`);
  },
  { bound: ['serverId', 'importId'] },
);
