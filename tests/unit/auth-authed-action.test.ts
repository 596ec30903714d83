import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

const session = vi.hoisted(() => ({ actor: null as null | { username: string; name: string; role: 'admin' | 'helpdesk' } }));
vi.mock('@/lib/auth/session', () => ({ getActor: async () => session.actor }));

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
  const work = vi.fn(async (input: { username: string }) => ({ status: 'success' as const, message: `did ${input.username}` }));
  const adminOnly = authedAction('admin', schema, work);
  beforeEach(() => {
    work.mockClear();
    session.actor = null;
  });

  it('refuses without a session and never runs the action', async () => {
    expect(await adminOnly({ status: 'idle' }, form({ username: 'alice' }))).toEqual({ status: 'error', message: 'Your session has ended. Sign in again.' });
    expect(work).not.toHaveBeenCalled();
  });

  it('refuses a helpdesk session on an admin action and never runs it', async () => {
    session.actor = { username: 'hal', name: 'Hal', role: 'helpdesk' };
    const result = await adminOnly({ status: 'idle' }, form({ username: 'alice' }));
    expect(result).toMatchObject({ status: 'error', message: expect.stringContaining('Only admins can do this') });
    expect(work).not.toHaveBeenCalled();
  });

  it('lets admins do helpdesk actions', async () => {
    session.actor = { username: 'ann', name: 'Ann', role: 'admin' };
    expect(await authedAction('helpdesk', schema, work)({ status: 'idle' }, form({ username: 'alice' }))).toEqual({ status: 'success', message: 'did alice' });
  });

  it('turns zod errors into field errors and does not run the action', async () => {
    session.actor = { username: 'ann', name: 'Ann', role: 'admin' };
    expect(await adminOnly({ status: 'idle' }, form({ username: 'al' }))).toEqual({
      status: 'error',
      message: 'Some fields need attention. Nothing was changed.',
      fieldErrors: { username: ['Too short'] },
    });
    expect(work).not.toHaveBeenCalled();
  });

  it('shapes failures into secret-free messages', async () => {
    session.actor = { username: 'ann', name: 'Ann', role: 'admin' };
    const throttled = Object.assign(new Error('Rate exceeded for secret hunter2'), { name: 'ThrottlingException' });
    const failing = authedAction('admin', schema, async () => {
      throw throttled;
    });
    const result = await failing({ status: 'idle' }, form({ username: 'alice' }));
    expect(result).toEqual({ status: 'error', message: 'AWS is throttling requests right now. Nothing was changed; try again in a moment.' });
    const specific = authedAction('admin', schema, async () => {
      throw new ConsoleError('Name taken', { username: ['Taken'] });
    });
    expect(await specific({ status: 'idle' }, form({ username: 'alice' }))).toEqual({ status: 'error', message: 'Name taken', fieldErrors: { username: ['Taken'] } });
  });

  it('reads a JSON payload field as the whole input', () => {
    expect(formDataToObject(form({ payload: '{"a":[1,2]}' }))).toEqual({ a: [1, 2] });
    const data = new FormData();
    data.append('k', '1');
    data.append('k', '2');
    expect(formDataToObject(data)).toEqual({ k: ['1', '2'] });
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
