// The import page's actions are admins': a help-desk session replaying one is refused before any work.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const session = vi.hoisted(() => ({ actor: null as null | { username: string; name: string; role: 'admin' | 'helpdesk' } }));
const apply = vi.hoisted(() => ({ resetLostPasswords: vi.fn(), startImport: vi.fn() }));
vi.mock('@/lib/auth/session', () => ({ getActor: () => Promise.resolve(session.actor) }));
vi.mock('@/lib/console/bulk/apply', () => apply);
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

const { resetLostPasswordsAction } = await import('@/app/(console)/servers/[serverId]/import/actions');

const SERVER = 's-1a2b3c4d5e6f70819';
const IMPORT = '0f0e0d0c-0b0a-0908-0706-050403020100';

describe('resetting an import’s lost passwords', () => {
  beforeEach(() => {
    apply.resetLostPasswords.mockReset();
  });

  it('refuses the help desk and resets nothing', async () => {
    session.actor = { username: 'hal', name: 'Hal', role: 'helpdesk' };
    const result = await resetLostPasswordsAction(SERVER, IMPORT, { status: 'idle' }, new FormData());
    expect(result).toMatchObject({ status: 'error', code: 'forbidden' });
    expect(apply.resetLostPasswords).not.toHaveBeenCalled();
  });

  it('says which users failed, and resets only the users the job names (the request names none)', async () => {
    session.actor = { username: 'ann', name: 'Ann', role: 'admin' };
    apply.resetLostPasswords.mockResolvedValue({ reset: ['a'], failed: [{ username: 'b', message: 'Throttled.' }] });
    const form = new FormData();
    form.set('username', 'someone-else');
    const result = await resetLostPasswordsAction(SERVER, IMPORT, { status: 'idle' }, form);
    expect(apply.resetLostPasswords).toHaveBeenCalledWith(SERVER, IMPORT, session.actor);
    expect(result).toMatchObject({ status: 'error', message: '1 password reset (download them above); 1 not: b: Throttled.' });
  });
});
