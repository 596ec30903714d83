'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { authedAction } from '@/lib/auth/authed-action';
import { startUpgrade } from '@/lib/console/bulk/upgrade';
import { USERNAME_PATTERN } from '@/lib/secret/contract';

const serverId = z.string().regex(/^s-[0-9a-f]{17}$/, 'Unknown server');

export const upgradePlaintextAction = authedAction(
  'admin',
  z.object({
    serverId,
    username: z.string().regex(USERNAME_PATTERN, 'Unknown user').optional(),
    understood: z.literal('on', { error: 'Confirm that the server’s Lambda verifies argon2id hashes' }),
    override: z.literal('on').optional(),
  }),
  async (input, { actor }) => {
    await startUpgrade(input.serverId, input.username ? [input.username] : 'all', actor, { override: input.override === 'on' });
    redirect(`/servers/${input.serverId}/posture?upgrade=1`);
  },
  { bound: ['serverId'] },
);
