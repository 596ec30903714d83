import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  homeDirectoryMappingSchema,
  makeUserSecretInputSchema,
  parseSecretName,
  parseStoredSecret,
  readHomeDirectoryDetails,
  readMappingShape,
  readPosixProfile,
  secretName,
  serializeUserSecret,
  storedSecretToInput,
  summarizeStoredSecret,
  userSecretInputSchema,
  usernameSchema,
  type UserSecretInput,
} from '@/lib/secret/contract';
import { ED25519, RSA_1024 } from '../fixtures/keys';

const FS = 'fs-0123456789abcdef0';
const ROLE = 'arn:aws:iam::000000000000:role/transfer-efs-user';
const HASH = '$argon2id$v=19$m=32768,t=1,p=1$YW5vdGhlcnNhbHQxMjM$7nTxfd67wy02KRNtcUp4zOy0rfJCkpbbTY4il2SYV5g';

const valid: UserSecretInput = {
  PasswordHash: HASH,
  Role: ROLE,
  PosixProfile: { Uid: 1001, Gid: 1001 },
  HomeDirectoryDetails: [{ Entry: '/', Target: `/${FS}/home/alice` }],
};

function fieldErrors(input: unknown, schema = userSecretInputSchema) {
  const result = schema.safeParse(input);
  if (result.success) return {};
  const errors: Record<string, string[]> = {};
  for (const issue of result.error.issues) (errors[issue.path.join('.')] ??= []).push(issue.message);
  return errors;
}

describe('user names (Transfer rule)', () => {
  it.each(['alice', 'bob_smith', 'a.b-c@example.com', '123', 'x'.repeat(100)])('accepts %s', (name) => {
    expect(usernameSchema.safeParse(name).success).toBe(true);
  });
  it.each([
    ['ab', 'User names are 3 to 100 characters long'],
    ['x'.repeat(101), 'User names are 3 to 100 characters long'],
    ['-alice', 'not starting with a hyphen'],
    ['.alice', 'not starting with a hyphen'],
    ['@alice', 'not starting with a hyphen'],
    ['al/ice', 'Use letters, digits'],
    ['al ice', 'Use letters, digits'],
    ['root', 'The user name "root" is not allowed on SFTP'],
  ])('refuses %s', (name, message) => {
    const result = usernameSchema.safeParse(name);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join(' ')).toContain(message);
  });
});

describe('secret names', () => {
  it('is <prefix><serverId>/<username>, prefix configurable', () => {
    expect(secretName('s-1a2b3c4d5e6f70819', 'alice')).toBe('aws/transfer/s-1a2b3c4d5e6f70819/alice');
    expect(secretName('s-1a2b3c4d5e6f70819', 'alice', 'sftp/')).toBe('sftp/s-1a2b3c4d5e6f70819/alice');
    expect(parseSecretName('aws/transfer/s-1a2b3c4d5e6f70819/alice')).toEqual({ serverId: 's-1a2b3c4d5e6f70819', username: 'alice' });
    expect(parseSecretName('aws/transfer/s-1a2b3c4d5e6f70819/alice/extra')).toBeNull();
    expect(parseSecretName('other/s-1a2b3c4d5e6f70819/alice')).toBeNull();
  });
});

describe('the write schema', () => {
  it('accepts a complete user', () => {
    expect(userSecretInputSchema.safeParse(valid).success).toBe(true);
  });

  it('requires a role ARN', () => {
    expect(fieldErrors({ ...valid, Role: undefined }).Role).toBeDefined();
    expect(fieldErrors({ ...valid, Role: 'arn:aws:iam::1:user/bob-the-builder' }).Role?.[0]).toContain('IAM role ARN');
  });

  it('keeps UID and GID within 0–4294967295 and whole', () => {
    expect(fieldErrors({ ...valid, PosixProfile: { Uid: -1, Gid: 1 } })['PosixProfile.Uid']?.[0]).toBe('UID must be between 0 and 4294967295.');
    expect(fieldErrors({ ...valid, PosixProfile: { Uid: 1, Gid: 4294967296 } })['PosixProfile.Gid']?.[0]).toBe(
      'GID must be between 0 and 4294967295.',
    );
    expect(fieldErrors({ ...valid, PosixProfile: { Uid: 1.5, Gid: 1 } })['PosixProfile.Uid']?.[0]).toBe('UID must be a whole number.');
    expect(fieldErrors({ ...valid, PosixProfile: { Uid: 0, Gid: 4294967295 } })).toEqual({});
  });

  it('allows at most 16 secondary GIDs', () => {
    const gids = Array.from({ length: 17 }, (_, i) => 2000 + i);
    expect(fieldErrors({ ...valid, PosixProfile: { Uid: 1, Gid: 1, SecondaryGids: gids } })['PosixProfile.SecondaryGids']?.[0]).toBe(
      'At most 16 secondary GIDs are allowed.',
    );
    expect(fieldErrors({ ...valid, PosixProfile: { Uid: 1, Gid: 1, SecondaryGids: gids.slice(0, 16) } })).toEqual({});
  });

  it('requires a POSIX profile on EFS but not on S3', () => {
    expect(fieldErrors({ ...valid, PosixProfile: undefined })['PosixProfile.Uid']).toEqual(['Enter a UID: EFS servers need a POSIX profile.']);
    expect(fieldErrors({ ...valid, PosixProfile: undefined })['PosixProfile.Gid']).toEqual(['Enter a GID: EFS servers need a POSIX profile.']);
    const s3 = makeUserSecretInputSchema('S3');
    expect(fieldErrors({ ...valid, PosixProfile: undefined, HomeDirectoryDetails: [{ Entry: '/', Target: '/my-bucket/alice' }] }, s3)).toEqual({});
  });

  describe('home-directory mappings', () => {
    const withMappings = (HomeDirectoryDetails: unknown) => fieldErrors({ ...valid, HomeDirectoryDetails });
    it('needs Entry and Target that begin with /', () => {
      expect(withMappings([{ Entry: 'data', Target: `/${FS}/data` }])['HomeDirectoryDetails.0.Entry']?.[0]).toBe(
        'The visible path must begin with /.',
      );
      expect(withMappings([{ Entry: '/data', Target: `${FS}/data` }])['HomeDirectoryDetails.0.Target']?.[0]).toBe(
        'The folder must begin with / and the file system or bucket.',
      );
    });
    it('refuses a trailing slash on a Target', () => {
      expect(withMappings([{ Entry: '/data', Target: `/${FS}/data/` }])['HomeDirectoryDetails.0.Target']).toContain(
        'The folder must not end with /.',
      );
    });
    it('allows / only as the sole Entry', () => {
      const errors = withMappings([
        { Entry: '/', Target: `/${FS}/a` },
        { Entry: '/b', Target: `/${FS}/b` },
      ]);
      expect(errors['HomeDirectoryDetails.0.Entry']).toContain('Mapping 1: The visible path / must be the only mapping.');
    });
    it('refuses duplicate Entries', () => {
      const errors = withMappings([
        { Entry: '/data', Target: `/${FS}/a` },
        { Entry: '/data', Target: `/${FS}/b` },
      ]);
      expect(errors['HomeDirectoryDetails.1.Entry']).toContain('Mapping 2: The visible path /data is mapped twice (see mapping 1).');
    });
    it('refuses nested Entries', () => {
      const errors = withMappings([
        { Entry: '/data', Target: `/${FS}/a` },
        { Entry: '/data/in', Target: `/${FS}/b` },
      ]);
      expect(errors['HomeDirectoryDetails.1.Entry']).toContain(
        'Mapping 2: The visible paths /data and /data/in overlap; one must not lie inside the other.',
      );
      expect(
        withMappings([
          { Entry: '/data', Target: `/${FS}/a` },
          { Entry: '/database', Target: `/${FS}/b` },
        ]),
      ).toEqual({});
    });
    it('requires EFS Targets to begin with a file system id', () => {
      expect(withMappings([{ Entry: '/data', Target: '/my-bucket/data' }])['HomeDirectoryDetails.0.Target']?.[0]).toContain('file system id');
      expect(withMappings([{ Entry: '/data', Target: `/${FS}/home/\${transfer:UserName}` }])).toEqual({});
    });
  });

  it('refuses HomeDirectory together with HomeDirectoryDetails', () => {
    expect(fieldErrors({ ...valid, HomeDirectory: `/${FS}/home/alice` }).HomeDirectory).toContain(
      'Use either a home folder or logical mappings, not both.',
    );
  });

  it('refuses a session policy on EFS, and non-JSON or oversized policies on S3', () => {
    const s3 = makeUserSecretInputSchema('S3');
    const base = { ...valid, HomeDirectoryDetails: [{ Entry: '/', Target: '/my-bucket/alice' }] };
    expect(fieldErrors({ ...valid, Policy: '{}' }).Policy?.[0]).toContain('S3 servers only');
    expect(fieldErrors({ ...base, Policy: 'not json' }, s3).Policy).toContain('The session policy must be a JSON object.');
    expect(fieldErrors({ ...base, Policy: JSON.stringify({ x: 'y'.repeat(2100) }) }, s3).Policy?.[0]).toContain('at most 2048');
    expect(fieldErrors({ ...base, Policy: '{"Version":"2012-10-17","Statement":[]}' }, s3)).toEqual({});
  });

  it('requires parseable SSH keys, RSA at least 2048 bits', () => {
    expect(fieldErrors({ ...valid, PublicKey: [ED25519.line] })).toEqual({});
    expect(fieldErrors({ ...valid, PublicKey: [ED25519.line, RSA_1024] })['PublicKey.1']?.[0]).toContain('at least 2048 bits');
    expect(fieldErrors({ ...valid, PublicKey: ['ssh-ed25519 garbage!'] })['PublicKey.0']?.[0]).toContain('not base64');
  });

  it('requires valid IPv4 and IPv6 CIDRs', () => {
    expect(fieldErrors({ ...valid, AcceptedIpNetwork: ['203.0.113.0/24', '2001:db8::/32'] })).toEqual({});
    expect(fieldErrors({ ...valid, AcceptedIpNetwork: ['203.0.113.0/33'] })['AcceptedIpNetwork.0']?.[0]).toContain('prefix length outside 0–32');
    expect(fieldErrors({ ...valid, AcceptedIpNetwork: ['example.com/24'] })['AcceptedIpNetwork.0']?.[0]).toContain(
      'is not an IP address or a network like 203.0.113.0/24.',
    );
  });

  it('requires a password or a key', () => {
    expect(fieldErrors({ ...valid, PasswordHash: undefined }).PublicKey).toContain('Give the user a password or at least one SSH public key.');
    expect(fieldErrors({ ...valid, PasswordHash: undefined, ProtocolOverrides: { FTPS: { Password: 'ftps-only-password' } } })).toEqual({});
  });

  it('refuses a plaintext password and a hash together, and a hash that is not argon2id', () => {
    expect(fieldErrors({ ...valid, Password: 'plaintext-pass' }).Password).toBeDefined();
    expect(fieldErrors({ ...valid, PasswordHash: '$2b$10$abcdefghijklmnopqrstuv' }).PasswordHash?.[0]).toContain('argon2id');
  });

  it('produces field errors through z.flattenError for forms', () => {
    const result = userSecretInputSchema.safeParse({ ...valid, Role: 'nope' });
    expect(result.success).toBe(false);
    expect(z.flattenError(result.error!).fieldErrors.Role?.[0]).toContain('IAM role ARN');
  });
});

describe('serialization', () => {
  it('writes PosixProfile and HomeDirectoryDetails as JSON strings and lists comma-separated', () => {
    const stored = JSON.parse(
      serializeUserSecret({
        ...valid,
        PublicKey: [ED25519.line, ED25519.line],
        AcceptedIpNetwork: ['10.0.0.0/8', '2001:db8::/32'],
        ProtocolOverrides: { FTP: { Disabled: true } },
      }),
    ) as Record<string, unknown>;
    expect(stored.PosixProfile).toBe('{"Uid":1001,"Gid":1001}');
    expect(stored.HomeDirectoryDetails).toBe(`[{"Entry":"/","Target":"/${FS}/home/alice"}]`);
    expect(stored.PublicKey).toBe(`${ED25519.line},${ED25519.line}`);
    expect(stored.AcceptedIpNetwork).toBe('10.0.0.0/8,2001:db8::/32');
    expect(stored.FTPDisabled).toBe('true');
    expect(Object.values(stored).every((value) => typeof value === 'string')).toBe(true);
  });

  it('round-trips through the console input without passwords', () => {
    const stored = parseStoredSecret(serializeUserSecret(valid));
    expect(stored.ok).toBe(true);
    if (!stored.ok) return;
    const input = storedSecretToInput(stored.secret);
    expect(input).toEqual({ Role: ROLE, PosixProfile: valid.PosixProfile, HomeDirectoryDetails: valid.HomeDirectoryDetails });
    expect(JSON.stringify(input)).not.toContain('argon2');
  });
});

describe('reading stored secrets', () => {
  it('reads PosixProfile as a string (the seed) or an object', () => {
    expect(readPosixProfile('{"Uid": 1001, "Gid": 1001}')).toEqual({ ok: true, value: { Uid: 1001, Gid: 1001 } });
    expect(readPosixProfile({ Uid: '1001', Gid: 1001, SecondaryGids: [5] })).toEqual({
      ok: true,
      value: { Uid: 1001, Gid: 1001, SecondaryGids: [5] },
    });
    expect(readPosixProfile('{"Uid": -1}').ok).toBe(false);
  });

  it('reads one stored mapping as the mapping schema does, without building it', () => {
    const items: unknown[] = [
      { Entry: '/', Target: `/${FS}/x` },
      { Entry: '/in', Target: `/${FS}/x`, Type: 'DIRECTORY' },
      { Entry: '/f.txt', Target: `/${FS}/f.txt`, Type: 'FILE' },
      { Entry: '/', Target: `/${FS}/x`, Extra: 'dropped' },
      { Entry: '/', Target: `/${FS}/x`, Type: 'LINK' },
      { Entry: '/', Target: 7 },
      { Entry: '/' },
      { Target: `/${FS}/x` },
      { Entry: '/../etc', Target: `/${FS}/x` },
      { Entry: '/', Target: `/${FS}/../x` },
      { Entry: 'no-slash', Target: `/${FS}/x` },
      { Entry: '/', Target: '' },
      ['/', `/${FS}/x`],
      null,
      'text',
      JSON.parse(`{"__proto__": {"Entry": "/", "Target": "/${FS}/x"}}`) as unknown,
    ];
    for (const item of items) {
      const schema = homeDirectoryMappingSchema.safeParse(item);
      const read = readMappingShape(item);
      const readPassesRules = read !== null && readHomeDirectoryDetails([item]).ok;
      expect(readPassesRules, JSON.stringify(item)).toBe(schema.success);
      if (schema.success) expect(read).toEqual(schema.data);
    }
  });

  it('reads HomeDirectoryDetails as a string or an array', () => {
    const mappings = [{ Entry: '/', Target: `/${FS}/x` }];
    expect(readHomeDirectoryDetails(JSON.stringify(mappings))).toEqual({ ok: true, value: mappings });
    expect(readHomeDirectoryDetails(mappings)).toEqual({ ok: true, value: mappings });
    expect(readHomeDirectoryDetails('[{"Entry": "/"}]').ok).toBe(false);
  });

  it('summarizes without any secret value', () => {
    const summary = summarizeStoredSecret(
      {
        Password: 'hunter2-plain',
        PublicKey: ED25519.line,
        Role: ROLE,
        PosixProfile: '{"Uid": 5, "Gid": 6}',
        Disabled: 'true',
        ExpiresAt: '2020-01-01T00:00:00Z',
      },
      new Date('2026-01-01T00:00:00Z'),
    );
    expect(summary).toMatchObject({
      authMethods: ['password', 'keys'],
      passwordMode: 'plaintext',
      disabled: true,
      expired: true,
      posixProfile: { Uid: 5, Gid: 6 },
    });
    expect(JSON.stringify(summary)).not.toContain('hunter2');
  });

  it('refuses a secret that is not a JSON object', () => {
    expect(parseStoredSecret('not json')).toEqual({ ok: false, error: 'The secret is not JSON' });
    expect(parseStoredSecret('[1,2]')).toEqual({ ok: false, error: 'The secret is not a JSON object' });
    expect(parseStoredSecret(undefined).ok).toBe(false);
  });
});
