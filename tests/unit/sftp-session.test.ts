// The SFTP endpoint's reading of an identity-provider answer, and its jail, without a network.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSafeAbsolutePath, sessionFrom } from '@/local/sftp/session';
import { VirtualFs } from '@/local/sftp/virtual-fs';

const ROLE = 'arn:aws:iam::000000000000:role/transfer-efs-user';
const FS = 'fs-0123456789abcdef0';
const EFS_ROOT = '/srv/efs';
const answer = (home: Record<string, unknown>) => ({ Role: ROLE, PosixProfile: { Uid: 2001, Gid: 2001 }, ...home });

describe('safe absolute paths', () => {
  it.each(['/', `/${FS}`, `/${FS}/home/alice`, '/inbox', '/a b/c@d.e-f_g'])('accepts %s', (value) => {
    expect(isSafeAbsolutePath(value)).toBe(true);
  });

  it.each([
    ['relative', `${FS}/home`],
    ['..', `/${FS}/home/..`],
    ['.', `/${FS}/./home`],
    ['an empty segment', `/${FS}//home`],
    ['a trailing slash', `/${FS}/home/`],
    ['a newline', `/${FS}/home\n`],
    ['a NUL', `/${FS}/home\u0000x`],
    ['DEL', `/${FS}/home\u007f`],
    ['a double quote', `/${FS}/"home"`],
    ['a single quote', `/${FS}/'home'`],
    ['a backslash', `/${FS}/home\\..\\..`],
    ['more than 1024 characters', `/${'a'.repeat(1024)}`],
  ])('refuses %s', (_name, value) => {
    expect(isSafeAbsolutePath(value)).toBe(false);
  });

  it('allows one trailing slash only where asked (a PATH home)', () => {
    expect(isSafeAbsolutePath(`/${FS}/home/`, true)).toBe(true);
    expect(isSafeAbsolutePath(`/${FS}/home//`, true)).toBe(false);
  });
});

describe('sessions from an identity-provider answer', () => {
  it('builds PATH and LOGICAL homes from well-formed answers, substituting the user name', () => {
    expect(sessionFrom('alice', answer({ HomeDirectory: `/${FS}/home/\${transfer:UserName}` }), EFS_ROOT)?.fs.home).toBe(`/${FS}/home/alice`);
    const logical = sessionFrom(
      'carol',
      answer({ HomeDirectoryType: 'LOGICAL', HomeDirectoryDetails: `[{"Entry":"/inbox","Target":"/${FS}/home/carol/inbox"}]` }),
      EFS_ROOT,
    );
    expect(logical?.fs.resolve('/inbox/a.txt')).toMatchObject({ kind: 'real', real: path.join(EFS_ROOT, FS, 'home/carol/inbox/a.txt') });
  });

  it.each([
    ['a PATH home with ..', { HomeDirectory: `/${FS}/home/../..` }],
    ['a PATH home outside any file system', { HomeDirectory: '/etc' }],
    ['a user name that climbs', { HomeDirectory: `/${FS}/home/\${transfer:UserName}` }, '..'],
    ['a target above its file system', { HomeDirectoryType: 'LOGICAL', HomeDirectoryDetails: `[{"Entry":"/","Target":"/${FS}/.."}]` }],
    ['a target that is not a file system', { HomeDirectoryType: 'LOGICAL', HomeDirectoryDetails: '[{"Entry":"/","Target":"/tmp"}]' }],
    ['an entry with ..', { HomeDirectoryType: 'LOGICAL', HomeDirectoryDetails: `[{"Entry":"/in/..","Target":"/${FS}/home"}]` }],
    ['a mapping that is not an object', { HomeDirectoryType: 'LOGICAL', HomeDirectoryDetails: '[null]' }],
  ])('refuses %s', (_name, home, username = 'mallory') => {
    expect(sessionFrom(username, answer(home), EFS_ROOT)).toBeNull();
  });
});

describe('the virtual file system', () => {
  it('folds client .. segments at the root of the namespace', () => {
    const fs = new VirtualFs(EFS_ROOT, { type: 'LOGICAL', mappings: [{ entry: '/in', target: `/${FS}/home/carol` }] });
    expect(fs.resolve('/in/../../../etc/passwd')).toEqual({ kind: 'none', virtual: '/etc/passwd' });
    expect(fs.resolve('/in/../in/x')).toMatchObject({ kind: 'real', real: path.join(EFS_ROOT, FS, 'home/carol/x') });
  });

  it('never resolves above the EFS root, even when built from a mapping that tries', () => {
    const fs = new VirtualFs(EFS_ROOT, { type: 'LOGICAL', mappings: [{ entry: '/', target: `/${FS}/../../..` }] });
    expect(fs.resolve('/etc/passwd').kind).toBe('none');
  });
});
