import { describe, expect, it } from 'vitest';
import { REASON_CODES, REASON_DESCRIPTIONS, REFUSAL_REASONS, decideLogin, readLoginEvent, type LoginEvent } from '@/lib/idp/decide-login';
import { hashPassword } from '@/lib/secret/password';
import { ED25519, RSA_3072 } from '../fixtures/keys';

const ROLE = 'arn:aws:iam::000000000000:role/transfer-efs-user';
const SERVER = 's-1a2b3c4d5e6f70819';
const NOW = new Date('2026-06-01T12:00:00Z');

function event(overrides: Partial<LoginEvent> = {}): LoginEvent {
  return { username: 'alice', password: 'Pa55word!', protocol: 'SFTP', serverId: SERVER, sourceIp: '203.0.113.9', ...overrides };
}
const decide = (secret: Record<string, unknown>, overrides: Partial<LoginEvent> = {}) => decideLogin(event(overrides), JSON.stringify(secret), NOW);

describe('the login decision', () => {
  it('allows a correct plaintext password and answers role, home and POSIX profile', async () => {
    const result = await decide({
      Password: 'Pa55word!',
      Role: ROLE,
      HomeDirectory: '/fs-0123456789abcdef0/home/alice',
      PosixProfile: '{"Uid": 1001, "Gid": 1001}',
    });
    expect(result).toEqual({
      allowed: true,
      reason: 'PASSWORD_OK',
      response: { Role: ROLE, HomeDirectory: '/fs-0123456789abcdef0/home/alice', PosixProfile: { Uid: 1001, Gid: 1001 } },
    });
  });

  it('refuses a wrong password with exactly {}', async () => {
    expect(await decide({ Password: 'other', Role: ROLE })).toEqual({ allowed: false, reason: 'WRONG_PASSWORD', response: {} });
  });

  it('verifies argon2id hashes', async () => {
    const secret = { PasswordHash: await hashPassword('Pa55word!'), Role: ROLE };
    expect((await decide(secret)).allowed).toBe(true);
    expect((await decide(secret, { password: 'nope' })).reason).toBe('WRONG_PASSWORD');
  });

  it('looks up <P>PasswordHash, <P>Password, PasswordHash, Password in that order', async () => {
    const secret = { SFTPPassword: 'sftp-only', PasswordHash: await hashPassword('hashed'), Password: 'plain', Role: ROLE };
    expect((await decide(secret, { password: 'sftp-only' })).allowed).toBe(true);
    expect((await decide(secret, { password: 'hashed' })).allowed).toBe(false);
    expect((await decide(secret, { password: 'hashed', protocol: 'FTP' })).allowed).toBe(true);
    expect((await decide(secret, { password: 'plain', protocol: 'FTP' })).allowed).toBe(false);
    const plainFirst = { SFTPPasswordHash: await hashPassword('top'), SFTPPassword: 'second', Role: ROLE };
    expect((await decide(plainFirst, { password: 'top' })).allowed).toBe(true);
    expect((await decide(plainFirst, { password: 'second' })).allowed).toBe(false);
  });

  it('looks up <protocol><key> before <key> for every key', async () => {
    const ftpsRole = 'arn:aws:iam::000000000000:role/ftps-users';
    const secret = { Password: 'Pa55word!', Role: ROLE, FTPSRole: ftpsRole, FTPHomeDirectory: '/fs-0123456789abcdef0/ftp' };
    expect((await decide(secret, { protocol: 'FTPS' })).response).toEqual({ Role: ftpsRole });
    expect((await decide(secret, { protocol: 'FTP' })).response).toEqual({ Role: ROLE, HomeDirectory: '/fs-0123456789abcdef0/ftp' });
  });

  it('answers a key login with PublicKeys (an array, one per stored key), SFTP only', async () => {
    const secret = { PublicKey: `${ED25519.line}, ${RSA_3072.line}`, Password: 'Pa55word!', Role: ROLE };
    const result = await decide(secret, { password: '' });
    expect(result.reason).toBe('PUBLIC_KEYS_RETURNED');
    expect(result.response).toEqual({ Role: ROLE, PublicKeys: [ED25519.line, RSA_3072.line] });
    expect((await decide(secret, { password: '', protocol: 'FTP' })).response).toEqual({});
    expect((await decide(secret, { password: '', protocol: 'FTPS' })).reason).toBe('EMPTY_PASSWORD_NOT_SFTP');
  });

  it('refuses a key login when no key is stored', async () => {
    expect(await decide({ Password: 'x', Role: ROLE }, { password: '' })).toMatchObject({ allowed: false, reason: 'NO_PUBLIC_KEY_STORED' });
  });

  it('never puts PublicKeys in a password answer', async () => {
    const result = await decide({ Password: 'Pa55word!', PublicKey: ED25519.line, Role: ROLE });
    expect(result.response).not.toHaveProperty('PublicKeys');
  });

  it('returns HomeDirectoryDetails as the stored JSON string with HomeDirectoryType LOGICAL', async () => {
    const details = '[{"Entry": "/", "Target": "/fs-0123456789abcdef0/home/alice"}]';
    expect((await decide({ Password: 'Pa55word!', Role: ROLE, HomeDirectoryDetails: details })).response).toEqual({
      Role: ROLE,
      HomeDirectoryDetails: details,
      HomeDirectoryType: 'LOGICAL',
    });
    const asArray = [{ Entry: '/in', Target: '/fs-0123456789abcdef0/in' }];
    const fromArray = await decide({ Password: 'Pa55word!', Role: ROLE, HomeDirectoryDetails: asArray });
    expect(fromArray.response).toMatchObject({ HomeDirectoryDetails: JSON.stringify(asArray), HomeDirectoryType: 'LOGICAL' });
  });

  it('refuses disabled users (boolean or "true"), also per protocol', async () => {
    expect((await decide({ Password: 'Pa55word!', Role: ROLE, Disabled: true })).reason).toBe('USER_DISABLED');
    expect((await decide({ Password: 'Pa55word!', Role: ROLE, Disabled: 'true' })).reason).toBe('USER_DISABLED');
    expect((await decide({ Password: 'Pa55word!', Role: ROLE, Disabled: 'false' })).allowed).toBe(true);
    expect((await decide({ Password: 'Pa55word!', Role: ROLE, FTPDisabled: 'true' }, { protocol: 'FTP' })).reason).toBe('USER_DISABLED');
  });

  it('refuses logins after ExpiresAt', async () => {
    expect((await decide({ Password: 'Pa55word!', Role: ROLE, ExpiresAt: '2026-06-01T11:59:59Z' })).reason).toBe('USER_EXPIRED');
    expect((await decide({ Password: 'Pa55word!', Role: ROLE, ExpiresAt: '2026-06-01T12:00:01Z' })).allowed).toBe(true);
    expect((await decide({ Password: 'Pa55word!', Role: ROLE, ExpiresAt: 'soon' })).reason).toBe('SECRET_INVALID');
  });

  it('enforces AcceptedIpNetwork for IPv4 and IPv6, and refuses when sourceIp is missing', async () => {
    const secret = { Password: 'Pa55word!', Role: ROLE, AcceptedIpNetwork: '203.0.113.0/24, 2001:db8::/32' };
    expect((await decide(secret)).allowed).toBe(true);
    expect((await decide(secret, { sourceIp: '2001:db8::7' })).allowed).toBe(true);
    expect((await decide(secret, { sourceIp: '198.51.100.1' })).reason).toBe('SOURCE_IP_REFUSED');
    expect((await decide(secret, { sourceIp: null })).reason).toBe('SOURCE_IP_REFUSED');
  });

  it('refuses a user with no role, or a role that is not a role ARN', async () => {
    expect((await decide({ Password: 'Pa55word!' })).reason).toBe('NO_ROLE');
    expect((await decide({ Password: 'Pa55word!', Role: 'admin' })).reason).toBe('NO_ROLE');
  });

  it('refuses, never throws, on secrets of the wrong shape', async () => {
    for (const secret of [
      'not json',
      '[]',
      '42',
      JSON.stringify({ Password: 42, Role: ROLE }),
      JSON.stringify({ Password: 'Pa55word!', Role: ROLE, PosixProfile: '{bad' }),
    ]) {
      expect((await decideLogin(event(), secret, NOW)).response).toEqual({});
    }
    expect((await decideLogin(event(), null, NOW)).reason).toBe('USER_NOT_FOUND');
  });
});

describe('unsafe homes', () => {
  const FS = 'fs-0123456789abcdef0';
  it.each([
    ['.. in HomeDirectory', { HomeDirectory: `/${FS}/..` }],
    ['.. climbing to another file system', { HomeDirectory: `/${FS}/../../fs-0a1b2c3d4e5f6a7b8/archive` }],
    ['a line break in HomeDirectory', { HomeDirectory: `/${FS}/home\nalice` }],
    ['a HomeDirectory of / alone', { HomeDirectory: '/' }],
    ['.. in a Target (JSON text)', { HomeDirectoryDetails: `[{"Entry":"/","Target":"/${FS}/home/.."}]` }],
    ['.. in an Entry (array)', { HomeDirectoryDetails: [{ Entry: '/a/..', Target: `/${FS}/a` }] }],
    ['a quote in a Target', { HomeDirectoryDetails: [{ Entry: '/', Target: `/${FS}/"x"` }] }],
    ['// in a Target', { HomeDirectoryDetails: [{ Entry: '/', Target: `/${FS}//x` }] }],
    ['a Target of / alone', { HomeDirectoryDetails: [{ Entry: '/', Target: '/' }] }],
    ['an unsafe HomeDirectory beside safe mappings', { HomeDirectory: `/${FS}/..`, HomeDirectoryDetails: [{ Entry: '/', Target: `/${FS}/a` }] }],
  ])('refuses %s with {} and UNSAFE_HOME_DIRECTORY', async (_name, home) => {
    expect(await decide({ Password: 'Pa55word!', Role: ROLE, ...home })).toEqual({ allowed: false, reason: 'UNSAFE_HOME_DIRECTORY', response: {} });
    expect(await decide({ PublicKey: ED25519.line, Role: ROLE, ...home }, { password: '' })).toEqual({
      allowed: false,
      reason: 'UNSAFE_HOME_DIRECTORY',
      response: {},
    });
  });

  it('refuses an unsafe per-protocol home for that protocol only', async () => {
    const secret = { Password: 'Pa55word!', Role: ROLE, HomeDirectory: `/${FS}/home/alice`, FTPHomeDirectory: `/${FS}/home/alice/..` };
    expect((await decide(secret, { protocol: 'FTP' })).reason).toBe('UNSAFE_HOME_DIRECTORY');
    expect((await decide(secret)).response).toMatchObject({ HomeDirectory: `/${FS}/home/alice` });
  });

  it('refuses a HomeDirectory that is not a path as an invalid secret', async () => {
    expect((await decide({ Password: 'Pa55word!', Role: ROLE, HomeDirectory: 'home/alice' })).reason).toBe('SECRET_INVALID');
    expect((await decide({ Password: 'Pa55word!', Role: ROLE, HomeDirectory: 42 })).reason).toBe('SECRET_INVALID');
    // Beside mappings (which take precedence) such a value is ignored, as before; an unsafe one is not.
    expect(
      (await decide({ Password: 'Pa55word!', Role: ROLE, HomeDirectory: 42, HomeDirectoryDetails: [{ Entry: '/', Target: `/${FS}/a` }] })).allowed,
    ).toBe(true);
  });

  it('still allows ${transfer:UserName} and a trailing slash on a PATH home', async () => {
    expect((await decide({ Password: 'Pa55word!', Role: ROLE, HomeDirectory: `/${FS}/home/alice/` })).allowed).toBe(true);
    expect(
      (await decide({ Password: 'Pa55word!', Role: ROLE, HomeDirectoryDetails: [{ Entry: '/', Target: `/${FS}/home/\${transfer:UserName}` }] }))
        .allowed,
    ).toBe(true);
  });

  it('never throws on unsafe or odd homes (fuzz)', async () => {
    let seed = 8;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pieces = ['/', '..', '.', FS, 'home', '\n', '"', '<', '\\', '', '//', '%2e', '\u0000', '${transfer:UserName}'];
    for (let i = 0; i < 300; i++) {
      const path = Array.from({ length: 1 + Math.floor(random() * 6) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      const shape = Math.floor(random() * 4);
      const home =
        shape === 0
          ? { HomeDirectory: path }
          : shape === 1
            ? { HomeDirectoryDetails: JSON.stringify([{ Entry: path, Target: `/${FS}/x` }]) }
            : shape === 2
              ? { HomeDirectoryDetails: [{ Entry: '/', Target: path }] }
              : { SFTPHomeDirectory: path };
      const result = await decide({ Password: 'Pa55word!', Role: ROLE, ...home });
      if (!result.allowed) expect(result.response).toEqual({});
      else expect(path.includes('..')).toBe(false);
    }
  });
});

describe('reason codes', () => {
  it('are listed once, each with a sentence for the console', () => {
    expect(REFUSAL_REASONS).toContain('UNSAFE_HOME_DIRECTORY');
    expect(new Set(REASON_CODES).size).toBe(REASON_CODES.length);
    for (const code of REASON_CODES) expect(REASON_DESCRIPTIONS[code]).toMatch(/\.$/);
  });
});

describe('roles in stored secrets', () => {
  it('keeps Transfer’s own check: a role ARN the console would not write still logs in', async () => {
    expect((await decide({ Password: 'Pa55word!', Role: 'arn:aws:iam::000000000000:role/path/to/role' })).allowed).toBe(true);
  });
});

describe('reading the event', () => {
  it.each([
    ['a user name with /', { username: 'a/b' }],
    ['a user name with ..', { username: 'a..b' }],
    ['a server id that is not a path segment', { serverId: 's-123/../x' }],
    ['an unknown protocol', { protocol: 'SCP' }],
    ['a password that is not a string', { password: 12 }],
  ])('refuses %s', (_name, overrides) => {
    expect(readLoginEvent({ ...event(), ...overrides })).toBeNull();
  });
  it('accepts the short server ids of AWS’s own example events', () => {
    expect(readLoginEvent({ ...event(), serverId: 's-abcd123456' })?.serverId).toBe('s-abcd123456');
  });
  it('treats a missing password like an empty one (a key login)', () => {
    const { password: _password, ...rest } = event();
    expect(readLoginEvent(rest)?.password).toBe('');
  });
  it('refuses non-objects', () => {
    expect(readLoginEvent(null)).toBeNull();
    expect(readLoginEvent('x')).toBeNull();
  });
});
