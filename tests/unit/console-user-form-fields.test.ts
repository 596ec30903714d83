import { describe, expect, it } from 'vitest';
import { fieldNameForFormPath, userFormFromValues } from '@/lib/console/user-form-fields';
import { userFormFieldsSchema } from '@/lib/console/user-form';

describe('the user form’s named inputs', () => {
  it('reads mapping rows by index, protocol checkboxes and the Disabled box', () => {
    const form = userFormFromValues({
      passwordMode: 'keep',
      protocolPasswords: ['FTPS', 'BOGUS'],
      homeMode: 'mappings',
      'mappings.1.entry': '/b',
      'mappings.0.entry': '/a',
      'mappings.0.location': 'fs-0123456789abcdef0',
      'mappings.1.path': '/pb',
      disabled: 'true',
    });
    expect(form.mappings).toEqual([
      { entry: '/a', location: 'fs-0123456789abcdef0', path: '' },
      { entry: '/b', location: '', path: '/pb' },
    ]);
    expect(form.protocolPasswords).toEqual({ FTPS: true });
    expect(form.disabled).toBe(true);
    expect(form.password).toEqual({ mode: 'keep', storage: 'hash' });
  });

  it('keeps the exact stored expiry while the shown value is unchanged, and reads a value typed without script as UTC', () => {
    const iso = '2030-01-01T12:34:56Z';
    expect(userFormFromValues({ expiresAt: '2030-01-01T13:34', expiresAtShown: '2030-01-01T13:34', expiresAtIso: iso }).expiresAt).toBe(iso);
    expect(userFormFromValues({ expiresAt: '2031-02-03T04:05', expiresAtShown: '2030-01-01T12:34', expiresAtIso: iso }).expiresAt).toBe(
      '2031-02-03T04:05:00.000Z',
    );
    expect(userFormFromValues({ expiresAt: '', expiresAtShown: '2030-01-01T12:34', expiresAtIso: iso }).expiresAt).toBe('');
  });

  it('ignores names it does not know, __proto__ included', () => {
    const values = Object.assign(Object.create(null) as Record<string, string>, { ['__proto__']: 'x', 'mappings.0.__proto__': 'y', username: 'ann' });
    const form = userFormFromValues(values);
    expect(form.username).toBe('ann');
    expect(form.mappings).toEqual([]);
    expect(Object.getPrototypeOf(form)).toBe(Object.prototype);
  });

  it('validates into the nested form, with errors keyed by the input names', () => {
    const parsed = userFormFieldsSchema.safeParse({ passwordMode: 'sometimes', homeMode: 'root' });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => fieldNameForFormPath(i.path))).toEqual(['passwordMode']);
  });
});
