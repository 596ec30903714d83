// Open in the form and save without a change: for every secret shape the contract reads, the input
// the console gets back (storedSecretToInput) validates and serializes to a secret that means the
// same, and gives every login the same answer. Named shapes first, then generated secrets.
import { describe, expect, it } from 'vitest';
import { decideLogin, type LoginEvent } from '@/lib/idp/decide-login';
import {
  PROTOCOLS,
  SECRET_KEYS,
  canonicalSecret,
  makeUserSecretInputSchema,
  parseStoredSecret,
  secretsEquivalent,
  serializeUserSecret,
  storedSecretToInput,
  summarizeStoredSecret,
  type StorageDomain,
  type StoredUserSecret,
} from '@/lib/secret/contract';
import { ECDSA_384, ED25519, RSA_3072 } from '../fixtures/keys';

const FS = 'fs-0123456789abcdef0';
const FS2 = 'fs-0a1b2c3d4e5f6a7b8';
const ROLE = 'arn:aws:iam::000000000000:role/transfer-efs-user';
const HASH = '$argon2id$v=19$m=32768,t=1,p=1$YW5vdGhlcnNhbHQxMjM$7nTxfd67wy02KRNtcUp4zOy0rfJCkpbbTY4il2SYV5g';
const NOW = new Date('2026-06-01T12:00:00Z');

const PASSWORD_KEYS = new Set(['Password', 'PasswordHash', ...PROTOCOLS.flatMap((p) => [`${p}Password`, `${p}PasswordHash`])]);
const CONTRACT_KEYS = new Set<string>([...SECRET_KEYS, ...PROTOCOLS.flatMap((p) => SECRET_KEYS.map((k) => `${p}${k}`))]);

/** What the console does on a save without change: the form's input, passwords and unknown keys kept. */
function saveWithoutChange(secretString: string, domain: StorageDomain): { next: Record<string, unknown>; stored: StoredUserSecret } {
  const parsed = parseStoredSecret(secretString);
  if (!parsed.ok) throw new Error(parsed.error);
  const stored = parsed.secret;
  const input = storedSecretToInput(stored);
  const own = (key: string) => (Object.hasOwn(stored, key) ? stored[key] : undefined);
  const withPasswords = structuredClone(input) as Record<string, unknown> & { ProtocolOverrides?: Record<string, Record<string, unknown>> };
  for (const key of ['Password', 'PasswordHash'] as const) if (typeof own(key) === 'string') withPasswords[key] = own(key);
  for (const protocol of PROTOCOLS) {
    for (const key of ['Password', 'PasswordHash'] as const) {
      const value = own(`${protocol}${key}`);
      if (typeof value !== 'string') continue;
      withPasswords.ProtocolOverrides ??= {};
      (withPasswords.ProtocolOverrides[protocol] ??= {})[key] = value;
    }
  }
  const validated = makeUserSecretInputSchema(domain).safeParse(withPasswords);
  if (!validated.success)
    throw new Error(`An unchanged save was refused: ${validated.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join(' | ')}`);
  const next = JSON.parse(serializeUserSecret(validated.data)) as Record<string, unknown>;
  for (const [key, value] of Object.entries(stored)) {
    if (PASSWORD_KEYS.has(key) || !CONTRACT_KEYS.has(key)) next[key] = value;
  }
  return { next, stored };
}

/** The decision with HomeDirectoryDetails compared as data (the stored JSON text is returned as it is). */
async function answers(secret: StoredUserSecret, events: LoginEvent[]) {
  const out = [];
  for (const event of events) {
    const decision = await decideLogin(event, JSON.stringify(secret), NOW);
    const response = { ...decision.response } as Record<string, unknown>;
    if (typeof response.HomeDirectoryDetails === 'string') response.HomeDirectoryDetails = JSON.parse(response.HomeDirectoryDetails);
    if (typeof response.Policy === 'string') response.Policy = JSON.parse(response.Policy);
    out.push({ reason: decision.reason, response });
  }
  return out;
}

function loginEvents(passwords: string[]): LoginEvent[] {
  const base = { username: 'alice', serverId: 's-1a2b3c4d5e6f70819' };
  return PROTOCOLS.flatMap((protocol) => [
    { ...base, protocol, password: '', sourceIp: '203.0.113.9' },
    { ...base, protocol, password: 'wrong-password', sourceIp: '203.0.113.9' },
    { ...base, protocol, password: passwords[0] ?? 'none-at-all', sourceIp: '198.51.100.20' },
    ...passwords.map((password) => ({ ...base, protocol, password, sourceIp: '203.0.113.9' })),
  ]);
}

async function expectRoundTrip(secret: Record<string, unknown>, domain: StorageDomain, passwords: string[] = []) {
  const { next, stored } = saveWithoutChange(JSON.stringify(secret), domain);
  expect(canonicalSecret(next)).toEqual(canonicalSecret(stored));
  expect(secretsEquivalent(stored, next)).toBe(true);
  expect(summarizeStoredSecret(next, NOW)).toEqual(summarizeStoredSecret(stored, NOW));
  expect(await answers(next, loginEvents(passwords))).toEqual(await answers(stored, loginEvents(passwords)));
}

describe('round trip of named shapes', () => {
  it('the seed blog’s shape (JSON text with spaces, plaintext password)', async () => {
    await expectRoundTrip(
      {
        Password: 'Seed-Pa55word',
        Role: ROLE,
        PosixProfile: '{"Uid": 1001, "Gid": 1001}',
        HomeDirectoryDetails: `[{"Entry": "/", "Target": "/${FS}/home/seed"}]`,
      },
      'EFS',
      ['Seed-Pa55word'],
    );
  });

  it('AWS’s sample shape (keys, PATH home, per-protocol passwords, one network)', async () => {
    await expectRoundTrip(
      {
        Password: 'Sample-Pa55',
        SFTPPassword: 'Sftp-Only-Pa55',
        FTPSPassword: 'Ftps-Only-Pa55',
        PublicKey: `${ED25519.line},${RSA_3072.line}`,
        Role: 'arn:aws:iam::123456789012:role/transfer-s3',
        Policy: '{"Version": "2012-10-17", "Statement": []}',
        HomeDirectory: '/my-bucket/home/sample',
        AcceptedIpNetwork: '203.0.113.0/24',
      },
      'S3',
      ['Sample-Pa55', 'Sftp-Only-Pa55', 'Ftps-Only-Pa55'],
    );
  });

  it('demo alice (PATH home)', async () => {
    await expectRoundTrip({ PasswordHash: HASH, Role: ROLE, PosixProfile: '{"Uid":2001,"Gid":2001}', HomeDirectory: `/${FS}/home/alice` }, 'EFS');
  });

  it('demo bob (keys only, logical root)', async () => {
    await expectRoundTrip(
      {
        PublicKey: ED25519.line,
        Role: ROLE,
        PosixProfile: '{"Uid":2002,"Gid":2001}',
        HomeDirectoryDetails: `[{"Entry":"/","Target":"/${FS}/home/bob"}]`,
      },
      'EFS',
    );
  });

  it('demo carol (two mappings on two file systems, secondary GIDs)', async () => {
    await expectRoundTrip(
      {
        PasswordHash: HASH,
        Role: 'arn:aws:iam::000000000000:role/transfer-efs-readonly',
        PosixProfile: '{"Uid":2003,"Gid":2001,"SecondaryGids":[3000]}',
        HomeDirectoryDetails: `[{"Entry":"/inbox","Target":"/${FS}/home/carol/inbox"},{"Entry":"/archive","Target":"/${FS2}/archive/carol"}]`,
      },
      'EFS',
    );
  });

  it('every per-protocol key, and keys the contract does not know', async () => {
    await expectRoundTrip(
      {
        Password: 'Main-Pa55word',
        FTPSPassword: 'Ftps-Pa55word',
        FTPPasswordHash: HASH,
        SFTPPublicKey: ECDSA_384.line,
        PublicKey: [ED25519.line],
        Role: ROLE,
        FTPRole: 'arn:aws:iam::000000000000:role/ftp-users',
        PosixProfile: { Uid: '5000', Gid: 5000 },
        FTPSPosixProfile: '{"Uid": 6000, "Gid": 6000}',
        HomeDirectory: `/${FS}/home/alice`,
        FTPHomeDirectoryDetails: [{ Entry: '/drop', Target: `/${FS}/ftp/drop`, Type: 'DIRECTORY' }],
        SFTPHomeDirectory: `/${FS2}/sftp/alice`,
        AcceptedIpNetwork: '203.0.113.7, 2001:DB8::/32',
        FTPAcceptedIpNetwork: '203.0.113.0/24',
        Disabled: 'false',
        FTPDisabled: 'true',
        SFTPDisabled: false,
        ExpiresAt: '2027-01-01T00:00:00+02:00',
        FTPSExpiresAt: '2026-12-01T00:00:00Z',
        Notes: 'created by hand',
        Ticket: { id: 42 },
        __proto__x: 1,
      },
      'EFS',
      ['Main-Pa55word', 'Ftps-Pa55word'],
    );
  });
});

// A small seeded PRNG (mulberry32), so a failure names a seed that reproduces it.
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const chance = (p: number) => next() < p;
  return { int, pick, chance };
}

function generateSecret(seed: number): { secret: Record<string, unknown>; domain: StorageDomain; passwords: string[] } {
  const { int, pick, chance } = prng(seed);
  const domain: StorageDomain = chance(0.7) ? 'EFS' : 'S3';
  const root = () => (domain === 'EFS' ? pick([FS, FS2]) : pick(['my-bucket', 'partner.data-01']));
  const folder = () =>
    Array.from({ length: 1 + int(3) }, () => pick(['home', 'in', 'out', 'alice', 'x_1', 'déjà vu', '${transfer:UserName}'])).join('/');
  const secret: Record<string, unknown> = {
    Role: pick([ROLE, 'arn:aws:iam::123456789012:role/service-role/transfer', 'arn:aws-cn:iam::210987654321:role/t']),
  };
  const passwords: string[] = [];
  const password = () => {
    const value = `Pw-${int(1e9)}-${pick(['a', 'Z', '!', 'é'])}`;
    passwords.push(value);
    return value;
  };
  const keys = () => {
    const chosen = [ED25519.line, RSA_3072.line, ECDSA_384.line].filter(() => chance(0.5));
    const list = chosen.length ? chosen : [ED25519.line];
    return chance(0.3) ? list : list.join(pick([',', ', ']));
  };
  const networks = () => {
    const all = ['203.0.113.0/24', '203.0.113.7', '198.51.100.0/24', '2001:db8::/32', '2001:DB8:1::1', '10.0.0.0/8', '0.0.0.0/0'];
    const chosen = all.filter(() => chance(0.4));
    return (chosen.length ? chosen : ['203.0.113.0/24']).join(pick([',', ', ']));
  };
  const home = (target: Record<string, unknown>, prefix: string) => {
    if (chance(0.5)) {
      target[`${prefix}HomeDirectory`] = `/${root()}/${folder()}${chance(0.2) ? '/' : ''}`;
      return;
    }
    const mappings = chance(0.4)
      ? [{ Entry: '/', Target: `/${root()}/${folder()}` }]
      : ['/in', '/out', '/archive/2026']
          .filter(() => chance(0.6))
          .map((Entry) => ({ Entry, Target: `/${root()}/${folder()}`, ...(chance(0.2) ? { Type: 'DIRECTORY' } : {}) }));
    const list = mappings.length ? mappings : [{ Entry: '/in', Target: `/${root()}/in` }];
    target[`${prefix}HomeDirectoryDetails`] = chance(0.6) ? JSON.stringify(list, null, chance(0.5) ? 1 : undefined) : list;
  };
  const auth = int(4);
  if (auth === 0 || auth === 3) secret.Password = password();
  if (auth === 1) secret.PasswordHash = HASH;
  if (auth === 2 || auth === 3 || chance(0.3)) secret.PublicKey = keys();
  if (domain === 'EFS' || chance(0.3)) {
    const profile = { Uid: int(70000), Gid: int(70000), ...(chance(0.3) ? { SecondaryGids: [int(5000), int(5000) + 5000] } : {}) };
    secret.PosixProfile = chance(0.5)
      ? JSON.stringify(profile, null, chance(0.5) ? 1 : undefined)
      : chance(0.5)
        ? { ...profile, Uid: String(profile.Uid) }
        : profile;
  }
  home(secret, '');
  if (domain === 'S3' && chance(0.4))
    secret.Policy = chance(0.5) ? '{"Version":"2012-10-17","Statement":[]}' : { Version: '2012-10-17', Statement: [] };
  if (chance(0.4)) secret.AcceptedIpNetwork = networks();
  if (chance(0.3)) secret.Disabled = pick(['true', 'false', true, false, 'TRUE']);
  if (chance(0.3)) secret.ExpiresAt = pick(['2026-06-01T11:00:00Z', '2027-01-01T00:00:00Z', '2027-03-04T05:06:07.890+05:30']);
  for (const protocol of PROTOCOLS) {
    if (chance(0.25)) secret[`${protocol}Password`] = password();
    else if (chance(0.1)) secret[`${protocol}PasswordHash`] = HASH;
    if (chance(0.15)) secret[`${protocol}Role`] = `arn:aws:iam::000000000000:role/${protocol.toLowerCase()}-users`;
    if (chance(0.15)) secret[`${protocol}Disabled`] = pick(['true', 'false', true]);
    if (protocol === 'SFTP' && chance(0.2)) secret.SFTPPublicKey = keys();
    if (chance(0.15)) home(secret, protocol);
    if (chance(0.1)) secret[`${protocol}AcceptedIpNetwork`] = networks();
    if (chance(0.1)) secret[`${protocol}ExpiresAt`] = '2027-01-01T00:00:00Z';
    if (domain === 'EFS' && chance(0.1)) secret[`${protocol}PosixProfile`] = `{"Uid": ${int(9000)}, "Gid": ${int(9000)}}`;
  }
  if (chance(0.3)) secret.Notes = pick(['by hand', 'ticket 42', '']);
  if (chance(0.2)) secret.Owner = { team: 'partners' };
  return { secret, domain, passwords };
}

describe('round trip of generated secrets (property)', () => {
  const seeds = Array.from({ length: 150 }, (_, i) => i + 1);
  it.each(seeds)('seed %i: an unchanged save means the same and answers every login the same', async (seed) => {
    const { secret, domain, passwords } = generateSecret(seed);
    await expectRoundTrip(secret, domain, passwords);
  });

  it('tells secrets that mean something else apart', () => {
    const { secret } = generateSecret(7);
    expect(secretsEquivalent(secret, { ...secret, Role: 'arn:aws:iam::000000000000:role/other' })).toBe(false);
    expect(secretsEquivalent({ ...secret, Disabled: 'false' }, { ...secret, Disabled: 'true' })).toBe(false);
    expect(secretsEquivalent({ ...secret, Disabled: 'false' }, { ...secret, Disabled: false })).toBe(true);
    expect(secretsEquivalent(secret, { ...secret, Notes: 'changed' })).toBe(false);
    // An unknown key named __proto__ is data like any other, never a prototype.
    const withProto = JSON.parse(`{"__proto__": {"Role": "x"}, "Role": "${ROLE}"}`) as StoredUserSecret;
    expect(Object.hasOwn(canonicalSecret(withProto), '__proto__')).toBe(true);
    expect(secretsEquivalent(withProto, JSON.parse(`{"Role": "${ROLE}"}`) as StoredUserSecret)).toBe(false);
    expect(secretsEquivalent({ ...secret, AcceptedIpNetwork: '203.0.113.7' }, { ...secret, AcceptedIpNetwork: '203.0.113.7/32' })).toBe(true);
  });
});
