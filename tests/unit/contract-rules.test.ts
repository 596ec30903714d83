// One case per rule of issue 8: paths, user names, lists, private keys, role ARNs, an empty GID.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkCidr, normalizeCidrList } from '@/lib/secret/cidr';
import {
  isValidUsername,
  nameDifferingOnlyInCase,
  makeUserSecretInputSchema,
  parseSecretName,
  readHomeDirectory,
  readHomeDirectoryDetails,
  roleArnAccount,
  sameNameIgnoringCase,
  serializeUserSecret,
  storedSecretToInput,
  summarizeStoredSecret,
  userSecretInputSchema,
  usernameSchema,
  type UserSecretInput,
} from '@/lib/secret/contract';
import { PRIVATE_KEY_MESSAGE } from '@/lib/secret/private-key';
import { ECDSA_384, ED25519, RSA_1024, RSA_3072 } from '../fixtures/keys';

const FS = 'fs-0123456789abcdef0';
const ROLE = 'arn:aws:iam::000000000000:role/transfer-efs-user';
const HASH = '$argon2id$v=19$m=32768,t=1,p=1$YW5vdGhlcnNhbHQxMjM$7nTxfd67wy02KRNtcUp4zOy0rfJCkpbbTY4il2SYV5g';
const valid: UserSecretInput = { PasswordHash: HASH, Role: ROLE, PosixProfile: { Uid: 1001, Gid: 1001 }, HomeDirectory: `/${FS}/home/alice` };

function issues(input: unknown, schema = userSecretInputSchema): { path: string; message: string; rule?: unknown }[] {
  const result = schema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
    rule: (issue as { params?: { rule?: unknown } }).params?.rule,
  }));
}
const messagesAt = (input: unknown, path: string, schema = userSecretInputSchema) =>
  issues(input, schema)
    .filter((i) => i.path === path)
    .map((i) => i.message);

describe('paths: the same rules for HomeDirectory, every Entry and every Target', () => {
  const rules: [string, string, string][] = [
    ['a .. folder', `/${FS}/home/..`, 'must not contain .. (the folder above).'],
    ['.. climbing to another file system', `/${FS}/../../fs-0a1b2c3d4e5f6a7b8/archive`, 'must not contain .. (the folder above).'],
    ['a . folder', `/${FS}/./home`, 'must not contain . as a folder name.'],
    ['an empty folder name', `/${FS}//home`, 'must not contain // (a folder with no name).'],
    ['a line break', `/${FS}/home\nx`, 'must not contain control characters such as a line break or a tab.'],
    ['a tab', `/${FS}/home\tx`, 'must not contain control characters such as a line break or a tab.'],
    ['DEL', `/${FS}/home\u007fx`, 'must not contain control characters such as a line break or a tab.'],
    ['a double quote', `/${FS}/"home"`, 'must not contain quotes (", \' or `).'],
    ['a single quote', `/${FS}/it's`, 'must not contain quotes (", \' or `).'],
    ['a backtick', `/${FS}/\`id\``, 'must not contain quotes (", \' or `).'],
    ['< and >', `/${FS}/<script>`, 'must not contain < or >.'],
    ['a backslash', `/${FS}/a\\b`, 'must not contain a backslash (\\).'],
  ];

  it.each(rules)('HomeDirectory refuses %s', (_name, path, message) => {
    expect(messagesAt({ ...valid, HomeDirectory: path }, 'HomeDirectory')).toContain(`The home folder ${message}`);
  });

  it.each(rules)('a Target refuses %s', (_name, path, message) => {
    const input = { ...valid, HomeDirectory: undefined, HomeDirectoryDetails: [{ Entry: '/', Target: path }] };
    expect(messagesAt(input, 'HomeDirectoryDetails.0.Target')).toContain(`The folder ${message}`);
  });

  it.each(rules)('an Entry refuses %s', (_name, path, message) => {
    const entry = path.slice(FS.length + 1);
    const input = { ...valid, HomeDirectory: undefined, HomeDirectoryDetails: [{ Entry: entry, Target: `/${FS}/x` }] };
    expect(messagesAt(input, 'HomeDirectoryDetails.0.Entry')).toContain(`The visible path ${message}`);
  });

  it('names the mapping and its value when there are several', () => {
    const input = {
      ...valid,
      HomeDirectory: undefined,
      HomeDirectoryDetails: [
        { Entry: '/in', Target: `/${FS}/in` },
        { Entry: '/out', Target: `/${FS}/../out` },
      ],
    };
    expect(messagesAt(input, 'HomeDirectoryDetails.1.Target')).toEqual([
      `Mapping 2 ("/${FS}/../out"): The folder must not contain .. (the folder above).`,
    ]);
  });

  it('keeps a Target on the file system it names', () => {
    const target = (Target: string) =>
      messagesAt({ ...valid, HomeDirectory: undefined, HomeDirectoryDetails: [{ Entry: '/', Target }] }, 'HomeDirectoryDetails.0.Target');
    expect(target(`/${FS}/home/alice`)).toEqual([]);
    expect(target(`/${FS}`)).toEqual([]);
    expect(target('/home/alice')[0]).toBe('The folder must begin with the file system id, like /fs-0123456789abcdef0/home.');
    expect(target('/')).toEqual(['Choose a file system.']);
  });

  it('says "Choose a file system" when none is chosen, not a rule about //', () => {
    const input = { ...valid, HomeDirectory: undefined, HomeDirectoryDetails: [{ Entry: '/', Target: '//home/alice' }] };
    expect(messagesAt(input, 'HomeDirectoryDetails.0.Target')).toEqual(['Choose a file system.']);
    expect(issues(input).find((i) => i.path === 'HomeDirectoryDetails.0.Target')?.rule).toBe('file-system');
    expect(messagesAt({ ...valid, HomeDirectory: '//home/alice' }, 'HomeDirectory')).toEqual(['Choose a file system.']);
  });

  it('keeps an EFS HomeDirectory on a file system and an S3 one in a bucket', () => {
    expect(messagesAt({ ...valid, HomeDirectory: '/home/alice' }, 'HomeDirectory')[0]).toContain('must begin with the file system id');
    const s3 = makeUserSecretInputSchema('S3');
    expect(messagesAt({ ...valid, HomeDirectory: '/my-bucket/alice' }, 'HomeDirectory', s3)).toEqual([]);
    expect(messagesAt({ ...valid, HomeDirectory: '/' }, 'HomeDirectory', s3)).toEqual(['Choose a bucket.']);
    expect(messagesAt({ ...valid, HomeDirectory: '/My_Bucket/alice' }, 'HomeDirectory', s3)[0]).toContain('must begin with the bucket name');
  });

  it('allows ${transfer:UserName} in a Target', () => {
    expect(
      issues({ ...valid, HomeDirectory: undefined, HomeDirectoryDetails: [{ Entry: '/', Target: `/${FS}/home/\${transfer:UserName}` }] }),
    ).toEqual([]);
  });

  it('applies the same rules to a per-protocol home', () => {
    const input = { ...valid, ProtocolOverrides: { FTP: { HomeDirectory: `/${FS}/ftp/..` } } };
    expect(messagesAt(input, 'ProtocolOverrides.FTP.HomeDirectory')).toEqual(['The home folder must not contain .. (the folder above).']);
  });

  describe('the lenient readers refuse the same values, marked unsafe', () => {
    it.each(rules)('readHomeDirectory refuses %s', (_name, path) => {
      expect(readHomeDirectory(path)).toMatchObject({ ok: false, unsafe: true });
    });
    it.each(rules)('readHomeDirectoryDetails refuses %s in a Target', (_name, path) => {
      expect(readHomeDirectoryDetails(JSON.stringify([{ Entry: '/', Target: path }]))).toMatchObject({ ok: false, unsafe: true });
    });
    it('readHomeDirectoryDetails refuses .. in an Entry', () => {
      expect(readHomeDirectoryDetails([{ Entry: '/a/..', Target: `/${FS}/a` }])).toMatchObject({ ok: false, unsafe: true });
    });
    it('refuses a home of / alone, which would show every file system', () => {
      expect(readHomeDirectory('/')).toMatchObject({ ok: false, unsafe: true });
      expect(readHomeDirectoryDetails([{ Entry: '/', Target: '/' }])).toMatchObject({ ok: false });
    });
    it('gives the console unsafe mappings as stored, so the form shows them and refuses them', () => {
      const stored = { Role: ROLE, HomeDirectoryDetails: `[{"Entry":"/","Target":"/${FS}/.."}]` };
      expect(storedSecretToInput(stored).HomeDirectoryDetails).toEqual([{ Entry: '/', Target: `/${FS}/..` }]);
      const summary = summarizeStoredSecret(stored);
      expect(summary.homeDirectoryMappings).toEqual([{ Entry: '/', Target: `/${FS}/..` }]);
      expect(summary.problems).toContain('HomeDirectoryDetails holds an unsafe path: every login is refused');
      expect(issues({ ...valid, HomeDirectory: undefined, ...storedSecretToInput(stored) }).map((i) => i.message)).toContain(
        'The folder must not contain .. (the folder above).',
      );
    });
    it('reads safe values, and tells an invalid value from an unsafe one', () => {
      expect(readHomeDirectory(`/${FS}/home/alice`)).toEqual({ ok: true, value: `/${FS}/home/alice` });
      expect(readHomeDirectory('home/alice')).toMatchObject({ ok: false });
      expect(readHomeDirectory('home/alice')).not.toHaveProperty('unsafe');
      expect(readHomeDirectory(42)).toMatchObject({ ok: false });
    });
  });
});

describe('user names', () => {
  it.each(['a..b', 'al..ice'])('refuses %s (.. in a name)', (name) => {
    expect(usernameSchema.safeParse(name).error?.issues.map((i) => i.message)).toContain('A user name must not contain two periods in a row (..).');
  });
  it.each(['root', 'ROOT', 'Root'])('refuses %s in any case', (name) => {
    expect(usernameSchema.safeParse(name).error?.issues.map((i) => i.message)).toContain(`The user name "${name}" is not allowed on SFTP.`);
  });
  it('accepts __proto__, which follows Transfer’s pattern', () => {
    expect(usernameSchema.safeParse('__proto__').success).toBe(true);
    expect(isValidUsername('__proto__')).toBe(true);
  });
  it('keeps parseSecretName consistent with the write rule', () => {
    for (const name of ['alice', '__proto__', 'a.b-c@example.com', 'a..b', 'ROOT', 'root', '-x', 'ab']) {
      const parsed = parseSecretName(`aws/transfer/s-1a2b3c4d5e6f70819/${name}`);
      expect(parsed !== null).toBe(usernameSchema.safeParse(name).success);
    }
  });
  it('tells names that differ only in case', () => {
    expect(sameNameIgnoringCase('Alice', 'alice')).toBe(true);
    expect(sameNameIgnoringCase('alice', 'alicia')).toBe(false);
    expect(nameDifferingOnlyInCase('Alice', ['bob', 'alice'])).toBe('alice');
    expect(nameDifferingOnlyInCase('alice', ['alice', 'bob'])).toBeNull();
  });
});

describe('SSH key lists', () => {
  it('reports every bad key with its position and value', () => {
    const found = issues({ ...valid, PublicKey: [ED25519.line, RSA_1024, 'ssh-ed25519 garbage!'] });
    expect(found.map((i) => i.path)).toEqual(['PublicKey.1', 'PublicKey.2']);
    expect(found[0]!.message).toMatch(
      /^Key 2 \(ssh-rsa AAAAB3Nz….*\): This ssh-rsa key is invalid: RSA keys must have at least 2048 bits; this one has 1024\.$/,
    );
    expect(found[1]!.message).toBe('Key 3 (ssh-ed25519 garbage!): The key data is not base64.');
  });
  it('refuses the same key twice, whatever its comment', () => {
    const again = ED25519.line.replace('bob@transfer-desk-demo', 'bob@laptop');
    expect(messagesAt({ ...valid, PublicKey: [ED25519.line, RSA_3072.line, again] }, 'PublicKey.2')).toEqual([
      'Key 3 (ssh-ed25519 AAAAC…bob@laptop): This is the same key as key 1.'.replace(
        'AAAAC…bob@laptop',
        `${again.slice(12, 16)}…${again.slice(-28)}`,
      ),
    ]);
    expect(issues({ ...valid, PublicKey: [ED25519.line, ECDSA_384.line] })).toEqual([]);
  });
  it('answers a pasted private key, line by line, with one message', () => {
    const pasted = [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
      'QyNTUxOQAAACBUjJrDs',
      '-----END OPENSSH PRIVATE KEY-----',
    ];
    expect(issues({ ...valid, PublicKey: pasted })).toEqual([{ path: 'PublicKey', message: PRIVATE_KEY_MESSAGE, rule: 'private-key' }]);
    expect(issues({ ...valid, PublicKey: [ED25519.line, 'PuTTY-User-Key-File-3: ssh-ed25519', 'Encryption: none'] })).toHaveLength(1);
  });
  it('never echoes a private key in a message', () => {
    const body = 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ';
    expect(JSON.stringify(issues({ ...valid, PublicKey: ['-----BEGIN OPENSSH PRIVATE KEY-----', body] }))).not.toContain(body);
  });
});

describe('network lists (AcceptedIpNetwork)', () => {
  it('reports every bad entry with its position and value', () => {
    expect(issues({ ...valid, AcceptedIpNetwork: ['10.0.0.0/33', 'foo', '300.1.1.1/32'] })).toEqual([
      { path: 'AcceptedIpNetwork.0', message: 'Network 1: 10.0.0.0/33 has a prefix length outside 0–32.', rule: 'prefix-length' },
      { path: 'AcceptedIpNetwork.1', message: 'Network 2: "foo" is not an IP address or a network like 203.0.113.0/24.', rule: 'not-a-network' },
      {
        path: 'AcceptedIpNetwork.2',
        message: 'Network 3: "300.1.1.1/32" is not an IP address or a network like 203.0.113.0/24.',
        rule: 'not-a-network',
      },
    ]);
  });
  it('refuses host bits with the network meant', () => {
    expect(messagesAt({ ...valid, AcceptedIpNetwork: ['10.1.2.3/8'] }, 'AcceptedIpNetwork.0')).toEqual([
      'Network 1: 10.1.2.3/8 has host bits set; did you mean 10.0.0.0/8?',
    ]);
    expect(checkCidr('2001:db8::1/32')).toMatchObject({ ok: false, suggestion: '2001:db8::/32' });
  });
  it('refuses a network that is already in the list after normalisation', () => {
    expect(messagesAt({ ...valid, AcceptedIpNetwork: ['203.0.113.7', '203.0.113.7/32'] }, 'AcceptedIpNetwork.1')).toEqual([
      'Network 2: 203.0.113.7/32 is already in the list as network 1.',
    ]);
    expect(normalizeCidrList(['2001:DB8::/32', '2001:db8:0::/32'])).toMatchObject({ ok: false, issues: [{ index: 1, problem: 'duplicate' }] });
  });
  it('stores a bare address as /32 or /128, and IPv6 in its short lower-case form', () => {
    const parsed = userSecretInputSchema.parse({ ...valid, AcceptedIpNetwork: ['203.0.113.7', '2001:DB8:0:0::1', '198.51.100.0/24'] });
    expect(parsed.AcceptedIpNetwork).toEqual(['203.0.113.7/32', '2001:db8::1/128', '198.51.100.0/24']);
    expect((JSON.parse(serializeUserSecret(parsed)) as { AcceptedIpNetwork: string }).AcceptedIpNetwork).toBe(
      '203.0.113.7/32,2001:db8::1/128,198.51.100.0/24',
    );
    expect(normalizeCidrList('203.0.113.7, ::1')).toEqual({ ok: true, cidrs: ['203.0.113.7/32', '::1/128'] });
  });
  it('refuses zone ids, octal-looking octets and an empty prefix', () => {
    expect(checkCidr('fe80::1%eth0').ok).toBe(false);
    expect(checkCidr('010.1.1.1').ok).toBe(false);
    expect(checkCidr('10.0.0.0/')).toMatchObject({ ok: false, problem: 'prefix-length' });
  });
});

describe('role ARNs', () => {
  it.each([
    ['arn:aws:iam::123456789012:role/transfer-user', '123456789012'],
    ['arn:aws-us-gov:iam::123456789012:role/service-role/transfer/user', '123456789012'],
    ['arn:aws:iam::1:role/x', null],
    ['arn:aws:iam::123456789012:user/bob', null],
    ['arn:aws:s3:::bucket/role/x', null],
    ['not-a-role', null],
  ])('roleArnAccount(%s) is %s', (arn, account) => {
    expect(roleArnAccount(arn)).toBe(account);
  });
  it('refuses what Transfer’s loose check lets through, with a clear message', () => {
    expect(messagesAt({ ...valid, Role: 'arn:aws:iam::123456789012:user/role/x' }, 'Role')[0]).toBe(
      'This is the ARN of an IAM user, not a role. Enter an IAM role ARN, like arn:aws:iam::123456789012:role/transfer-user.',
    );
    expect(messagesAt({ ...valid, Role: 'arn:aws:iam::12345:role/x' }, 'Role')[0]).toContain('The account in a role ARN is 12 digits.');
    expect(messagesAt({ ...valid, Role: 'arn:foo role/x' }, 'Role')).toEqual([
      'Enter an IAM role ARN, like arn:aws:iam::123456789012:role/transfer-user.',
    ]);
  });
});

describe('an empty GID or UID', () => {
  it('asks for the missing number by name', () => {
    expect(messagesAt({ ...valid, PosixProfile: { Uid: 1001, Gid: undefined } }, 'PosixProfile.Gid')).toEqual(['Enter a GID.']);
    expect(messagesAt({ ...valid, PosixProfile: { Uid: undefined, Gid: 1 } }, 'PosixProfile.Uid')).toEqual(['Enter a UID.']);
    expect(messagesAt({ ...valid, PosixProfile: { Uid: Number.NaN, Gid: 1 } }, 'PosixProfile.Uid')).toEqual(['UID must be a number.']);
  });
  it('flags both fields when an EFS user has neither', () => {
    expect(messagesAt({ ...valid, PosixProfile: undefined }, 'PosixProfile.Gid')).toEqual(['Enter a GID: EFS servers need a POSIX profile.']);
    expect(messagesAt({ ...valid, PosixProfile: undefined }, 'PosixProfile.Uid')).toEqual(['Enter a UID: EFS servers need a POSIX profile.']);
    expect(issues({ ...valid, PosixProfile: undefined, HomeDirectory: '/my-bucket/x' }, makeUserSecretInputSchema('S3'))).toEqual([]);
  });
  it('reports the rules that span fields in the same submit as a wrong number', () => {
    const found = issues({ ...valid, PosixProfile: { Uid: 1.5, Gid: 1 }, HomeDirectory: `/${FS}/..` }).map((i) => i.path);
    expect(found).toEqual(expect.arrayContaining(['PosixProfile.Uid', 'HomeDirectory']));
  });
});

describe('messages', () => {
  it('are full sentences ending with a full stop or a question mark', () => {
    const bad = {
      Role: 'nope',
      PosixProfile: { Uid: -1, Gid: 1.5, SecondaryGids: Array.from({ length: 17 }, () => 1) },
      HomeDirectoryDetails: [
        { Entry: 'x/', Target: 'fs' },
        { Entry: '/', Target: `/${FS}/a/` },
        { Entry: '/', Target: '/' },
      ],
      HomeDirectory: '/..',
      PublicKey: ['ssh-dss AAAA', RSA_1024],
      AcceptedIpNetwork: ['10.1.2.3/8', 'x'],
      Policy: 'x',
      ExpiresAt: 'soon',
      Password: 'short',
      PasswordHash: 'x',
    };
    const found = issues(bad);
    expect(found.length).toBeGreaterThan(15);
    for (const { message } of found) expect(message).toMatch(/^[A-Z"].*[.?]$/s);
    expect(issues({ ...valid, Role: undefined, PosixProfile: undefined }).every((i) => /[.?]$/.test(i.message))).toBe(true);
  });
  it('use no jargon: "segment" never appears', () => {
    expect(readFileSync(new URL('../../lib/secret/paths.ts', import.meta.url), 'utf8')).not.toMatch(/message:.*segment/i);
  });
});

describe('browser-safe modules', () => {
  it.each(['private-key.ts', 'cidr.ts', 'paths.ts'])('%s imports nothing from node:', (file) => {
    expect(readFileSync(new URL(`../../lib/secret/${file}`, import.meta.url), 'utf8')).not.toMatch(/from ['"]node:/);
  });
});
