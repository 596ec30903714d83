import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

const session = vi.hoisted(() => ({ actor: null as null | { username: string; name: string; role: 'admin' | 'helpdesk' } }));
vi.mock('@/lib/auth/session', () => ({ getActor: () => Promise.resolve(session.actor) }));

const { authedAction, formDataToObject } = await import('@/lib/auth/authed-action');
const { ConsoleError } = await import('@/lib/console/errors');
const { hasRole } = await import('@/lib/auth/roles');
const { roleFromGroups } = await import('@/lib/auth/options');

const schema = z.object({ username: z.string().min(3, 'Too short') });
const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
};

describe('authedAction', () => {
  const work = vi.fn((input: { username: string }) => Promise.resolve({ status: 'success' as const, message: `did ${input.username}` }));
  const adminOnly = authedAction('admin', schema, work);
  beforeEach(() => {
    work.mockClear();
    session.actor = null;
  });

  it('refuses without a session and never runs the action', async () => {
    expect(await adminOnly({ status: 'idle' }, form({ username: 'alice' }))).toEqual({
      status: 'error',
      code: 'session-ended',
      message: 'Your session has ended. Sign in again.',
      values: { username: 'alice' },
    });
    expect(work).not.toHaveBeenCalled();
  });

  it('refuses a helpdesk session on an admin action and never runs it', async () => {
    session.actor = { username: 'hal', name: 'Hal', role: 'helpdesk' };
    const result = await adminOnly({ status: 'idle' }, form({ username: 'alice' }));
    expect(result).toMatchObject({ status: 'error', message: expect.stringContaining('Only admins can do this') as string });
    expect(work).not.toHaveBeenCalled();
  });

  it('lets admins do helpdesk actions', async () => {
    session.actor = { username: 'ann', name: 'Ann', role: 'admin' };
    expect(await authedAction('helpdesk', schema, work)({ status: 'idle' }, form({ username: 'alice' }))).toEqual({
      status: 'success',
      message: 'did alice',
    });
  });

  it('turns zod errors into field errors and does not run the action', async () => {
    session.actor = { username: 'ann', name: 'Ann', role: 'admin' };
    expect(await adminOnly({ status: 'idle' }, form({ username: 'al' }))).toEqual({
      status: 'error',
      code: 'invalid-input',
      message: 'Some fields need attention. Nothing was changed.',
      fieldErrors: { username: ['Too short'] },
      values: { username: 'al' },
    });
    expect(work).not.toHaveBeenCalled();
  });

  it('shapes failures into secret-free messages', async () => {
    session.actor = { username: 'ann', name: 'Ann', role: 'admin' };
    const throttled = Object.assign(new Error('Rate exceeded for secret hunter2'), { name: 'ThrottlingException' });
    const failing = authedAction('admin', schema, () => Promise.reject(throttled));
    const result = await failing({ status: 'idle' }, form({ username: 'alice' }));
    expect(result).toEqual({
      status: 'error',
      code: 'failed',
      message: 'AWS is throttling requests right now. Nothing was changed; try again in a moment.',
      values: { username: 'alice' },
    });
    const specific = authedAction('admin', schema, () => Promise.reject(new ConsoleError('Name taken', { username: ['Taken'] })));
    expect(await specific({ status: 'idle' }, form({ username: 'alice' }))).toEqual({
      status: 'error',
      code: 'failed',
      message: 'Name taken',
      fieldErrors: { username: ['Taken'] },
      values: { username: 'alice' },
    });
  });

  it('reads named inputs, repeated names as arrays, any name safely', () => {
    const data = new FormData();
    data.append('k', '1');
    data.append('k', '2');
    data.append('__proto__', 'x');
    data.append('$ACTION_ID_abc', '');
    const values = formDataToObject(data);
    expect(Object.getPrototypeOf(values)).toBeNull();
    expect({ ...values }).toEqual({ k: ['1', '2'], ['__proto__']: 'x' });
  });

  it('takes bound values over posted ones, and never echoes a tested password', async () => {
    session.actor = { username: 'ann', name: 'Ann', role: 'admin' };
    const seen = vi.fn((input: { serverId: string; username: string }) =>
      Promise.resolve({ status: 'success' as const, message: `${input.serverId}/${input.username}` }),
    );
    const bound = authedAction('helpdesk', z.object({ serverId: z.string(), username: z.string().min(3, 'Too short') }), seen, {
      bound: ['serverId'],
    });
    expect(await bound('s-bound', { status: 'idle' }, form({ serverId: 's-posted', username: 'alice' }))).toEqual({
      status: 'success',
      message: 's-bound/alice',
    });
    session.actor = null;
    const refused = await bound('s-bound', { status: 'idle' }, form({ username: 'alice', password: 'hunter2-secret' }));
    expect(refused).toMatchObject({ status: 'error', code: 'session-ended', values: { username: 'alice' } });
    expect(JSON.stringify(refused)).not.toContain('hunter2-secret');
  });
});

describe('roles', () => {
  it('admin includes helpdesk, not the other way round', () => {
    expect(hasRole('admin', 'helpdesk')).toBe(true);
    expect(hasRole('helpdesk', 'admin')).toBe(false);
  });

  it('maps OIDC groups to roles and refuses users in no group', () => {
    const env = { OIDC_ADMIN_GROUPS: 'sftp-admins', OIDC_HELPDESK_GROUPS: 'support, desk' };
    expect(roleFromGroups(['x', 'sftp-admins'], env)).toBe('admin');
    expect(roleFromGroups(['desk'], env)).toBe('helpdesk');
    expect(roleFromGroups('support', env)).toBe('helpdesk');
    expect(roleFromGroups(['others'], env)).toBeNull();
    expect(roleFromGroups(undefined, env)).toBeNull();
  });
});
