import { describe, expect, it } from 'vitest';
import { safeCallbackPath } from '@/lib/auth/safe-redirect';

const ORIGIN = 'http://127.0.0.1:3000';

describe('where sign-in sends the browser', () => {
  it.each([
    ['/\\evil.example/'],
    [decodeURIComponent('%2F%5Cevil.example%2F')],
    ['%2F%5Cevil.example%2F'],
    ['/%2F%5Cevil.example%2F'],
    ['/\\/evil.example/'],
    ['/\t/evil.example/'],
    ['/\n/evil.example/'],
    ['//evil.example'],
    ['///evil.example'],
    ['/.//evil.example'],
    ['https://evil.example/servers'],
    ['http://127.0.0.1:3001/servers'],
    ['https://127.0.0.1:3000/servers'],
    ['javascript:alert(1)'],
    ['data:text/html,hi'],
    [''],
    [undefined],
  ])('%j lands on /servers', (target) => {
    expect(safeCallbackPath(target, ORIGIN)).toBe('/servers');
  });

  it.each([
    ['/servers', '/servers'],
    ['/servers/s-1a2b3c4d5e6f70819/users?prefix=al', '/servers/s-1a2b3c4d5e6f70819/users?prefix=al'],
    ['http://127.0.0.1:3000/audit', '/audit'],
    ['/audit#latest', '/audit#latest'],
  ])('%j stays on the console as %j', (target, expected) => {
    expect(safeCallbackPath(target, ORIGIN)).toBe(expected);
  });
});
