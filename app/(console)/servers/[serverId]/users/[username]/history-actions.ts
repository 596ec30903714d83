'use server';

import { isIP } from 'node:net';
import { z } from 'zod';
import { authedAction } from '@/lib/auth/authed-action';
import { loginHistory, type LoginHistoryPage } from '@/lib/console/login-history';
import { testLogin, type TestLoginResult } from '@/lib/console/users/test-login';
import { PROTOCOLS } from '@/lib/secret/contract';
import { parseSshPublicKey } from '@/lib/secret/ssh-public-key';

const serverId = z.string().regex(/^s-[0-9a-f]{17}$/, 'Unknown server');
const username = z.string().min(1, 'Enter a user name').max(100, 'User names are at most 100 characters');

/** A page of the login history; polled by the page every few seconds and for "Show older". */
export const loginHistoryAction = authedAction(
  'helpdesk',
  z.object({ serverId, username, nextToken: z.string().max(20_000).optional() }),
  async (input): Promise<{ status: 'success'; data: LoginHistoryPage }> => ({
    status: 'success',
    data: await loginHistory(input.serverId, input.username, input.nextToken || undefined),
  }),
  { bound: ['serverId', 'username'] },
);

const testLoginInput = z
  .object({
    serverId,
    username,
    method: z.enum(['password', 'publickey'], { error: 'Choose password or SSH key' }).default('password'),
    password: z.string().max(1024, 'Passwords are at most 1024 characters').default(''),
    publicKey: z.string().trim().max(16_384, 'A public key is at most 16 KB').default(''),
    keyOnFile: z.string().max(16_384).default(''),
    sourceIp: z
      .string()
      .trim()
      .refine((ip) => ip === '' || isIP(ip) !== 0, 'Enter an IPv4 or IPv6 address, or leave it empty')
      .default(''),
    protocol: z.enum(PROTOCOLS, { error: 'Choose a protocol the server offers' }).default('SFTP'),
  })
  .superRefine((input, ctx) => {
    if (input.method === 'password' && input.password === '')
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'Enter the password to test' });
    if (input.method === 'publickey') {
      const key = input.publicKey || input.keyOnFile;
      if (input.protocol !== 'SFTP') ctx.addIssue({ code: 'custom', path: ['protocol'], message: 'Key logins exist only over SFTP' });
      if (key === '') ctx.addIssue({ code: 'custom', path: ['publicKey'], message: 'Paste a public key or choose one on file' });
      else {
        const parsed = parseSshPublicKey(key);
        if (!parsed.ok) ctx.addIssue({ code: 'custom', path: ['publicKey'], message: parsed.error });
      }
    }
  });

/** A test login that says why: the reason in the history's words, and the Lambda's answer when allowed. */
export const explainTestLoginAction = authedAction(
  'helpdesk',
  testLoginInput,
  async (input, { actor }): Promise<{ status: 'success'; data: TestLoginResult }> => ({
    status: 'success',
    data: await testLogin(
      input.serverId,
      input.method === 'publickey'
        ? { username: input.username, publicKey: input.publicKey || input.keyOnFile, sourceIp: input.sourceIp || undefined, protocol: input.protocol }
        : { username: input.username, password: input.password, sourceIp: input.sourceIp || undefined, protocol: input.protocol },
      actor,
    ),
  }),
  { bound: ['serverId', 'username'] },
);
