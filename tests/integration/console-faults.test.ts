// Issue 14 §3 §6 §7: under injected faults, before and after AWS applies a request, no stored change
// is reported as lost, every stored password is shown, no audit record is lost, and a failed change
// leaves no pending version or pending-deletion tag behind.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeSecretCommand, GetSecretValueCommand, ListSecretVersionIdsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configureAwsClients } from '@/lib/aws/clients';
import type { Actor } from '@/lib/auth/roles';
import { listAudit, recordAudit } from '@/lib/console/audit';
import { ConsoleError, StaleVersionError } from '@/lib/console/errors';
import type { UserFormInput } from '@/lib/console/user-form';
import { changeUserDisabled, createUser, deleteUser, getUserForEdit, resetPassword, restoreUser, updateUser } from '@/lib/console/users';
import { PENDING_STAGE, TAG_PENDING_DELETION } from '@/lib/console/users/shared';
import { verifyPassword } from '@/lib/secret/password';
import { parseFaults, type FaultSpec } from '@/local/faults';
import { startTestStack, type TestStack } from './local-stack-fixture';

const SERVER = 's-1a2b3c4d5e6f70819';
const admin: Actor = { username: 'ann', name: 'Ann', role: 'admin' };
const helpdesk: Actor = { username: 'hal', name: 'Hal', role: 'helpdesk' };
const ROLE = 'arn:aws:iam::000000000000:role/transfer-efs-user';

function form(username: string, overrides: Partial<UserFormInput> = {}): UserFormInput {
  return {
    username,
    password: { mode: 'generate', storage: 'hash' },
    protocolPasswords: {},
    publicKeys: '',
    role: ROLE,
    uid: '3101',
    gid: '3101',
    secondaryGids: '',
    homeMode: 'root',
    rootLocation: 'fs-0123456789abcdef0',
    rootPath: `/home/${username}`,
    mappings: [],
    acceptedIpNetwork: '',
    expiresAt: '',
    policy: '',
    disabled: false,
    ...overrides,
  };
}

// The stack reads this object on every request, so a test sets the faults it needs in place.
const faults: FaultSpec = parseFaults('');
function setFaults(text: string): void {
  const next = parseFaults(text);
  for (const key of Object.keys(next) as (keyof FaultSpec)[]) {
    delete (faults as Partial<FaultSpec>)[key];
    Object.assign(faults, { [key]: next[key] });
  }
}

/** The first `count` requests to `ops` fail with `kind`; the rest succeed. */
function failFirst(count: number, kind: 'error' | 'after', ops: string): void {
  setFaults(`ops=${ops}`);
  let left = count;
  Object.defineProperty(faults, kind, { configurable: true, enumerable: true, get: () => (left-- > 0 ? 1 : 0) });
}

let stack: TestStack;
let sm: SecretsManagerClient;
let spoolDir: string;

beforeAll(async () => {
  spoolDir = mkdtempSync(path.join(tmpdir(), 'transfer-desk-audit-spool-'));
  process.env.AUDIT_SPOOL_DIR = spoolDir;
  stack = await startTestStack({ seed: true, faults });
  configureAwsClients({ endpoint: stack.endpoint, region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 3 });
  sm = new SecretsManagerClient({ ...stack.clientConfig, maxAttempts: 1 });
});
afterEach(() => setFaults(''));
afterAll(async () => {
  await stack.dispose();
  rmSync(spoolDir, { recursive: true, force: true });
  delete process.env.AUDIT_SPOOL_DIR;
});

const secretId = (username: string) => `aws/transfer/${SERVER}/${username}`;

async function stored(username: string): Promise<{ secret: Record<string, unknown>; versionId: string }> {
  const value = await sm.send(new GetSecretValueCommand({ SecretId: secretId(username) }));
  return { secret: JSON.parse(value.SecretString!) as Record<string, unknown>, versionId: value.VersionId! };
}

async function storedPasswordIs(username: string, password: string): Promise<boolean> {
  const { secret } = await stored(username);
  return typeof secret.PasswordHash === 'string' && verifyPassword(password, secret.PasswordHash);
}

/** Versions carrying only the console's private stage: a change that never became current. */
async function strandedPendingVersions(username: string): Promise<string[]> {
  const { Versions = [] } = await sm.send(new ListSecretVersionIdsCommand({ SecretId: secretId(username) }));
  return Versions.filter((v) => v.VersionStages?.includes(PENDING_STAGE) && !v.VersionStages.includes('AWSCURRENT')).map((v) => v.VersionId!);
}

async function tags(username: string): Promise<string[]> {
  const described = await sm.send(new DescribeSecretCommand({ SecretId: secretId(username) }));
  return (described.Tags ?? []).map((t) => t.Key!);
}

describe('a failure after AWS applied the request (after=1: applied, then 500)', () => {
  it('an edit is reported saved, not "someone else changed this user", and is stored', async () => {
    await createUser(SERVER, form('eda'), admin);
    const opened = await getUserForEdit(SERVER, 'eda');
    setFaults('after=1,ops=UpdateSecretVersionStage');
    const saved = await updateUser(SERVER, 'eda', { ...opened.form, acceptedIpNetwork: '10.0.0.0/8' }, opened.versionId, admin);
    setFaults('');
    expect(saved.outcome).toBe('saved');
    const now = await stored('eda');
    expect(now.secret.AcceptedIpNetwork).toBe('10.0.0.0/8');
    expect(saved.versionId).toBe(now.versionId);
  });

  it('an edit that generates a password shows the password it stored', async () => {
    await createUser(SERVER, form('edgar'), admin);
    const opened = await getUserForEdit(SERVER, 'edgar');
    setFaults('after=1,ops=PutSecretValue+UpdateSecretVersionStage');
    const saved = await updateUser(SERVER, 'edgar', { ...opened.form, password: { mode: 'generate', storage: 'hash' } }, opened.versionId, admin);
    setFaults('');
    expect(saved.outcome).toBe('saved');
    expect(await storedPasswordIs('edgar', saved.passwords.main!)).toBe(true);
  });

  it('a reset shows the password it stored, also when the connection drops after the write', async () => {
    await createUser(SERVER, form('rita'), admin);
    for (const fault of ['after=1', 'drop=1']) {
      setFaults(`${fault},ops=UpdateSecretVersionStage`);
      const reset = await resetPassword(SERVER, 'rita', helpdesk, { reason: 'ticket 42' });
      setFaults('');
      expect(reset.outcome).toBe('saved');
      expect(reset.message).toMatch(/was reset/);
      expect(await storedPasswordIs('rita', reset.password)).toBe(true);
    }
    expect(await strandedPendingVersions('rita')).toEqual([]);
  });

  it('a create is reported created with its password, and the retry does not say "already exists"', async () => {
    setFaults('after=1,ops=CreateSecret');
    const created = await createUser(SERVER, form('carla'), admin);
    setFaults('');
    expect(created.outcome).toBe('created');
    expect(await storedPasswordIs('carla', created.passwords.main!)).toBe(true);
  });

  it('a create whose answer is lost (connection dropped) is found by its token', async () => {
    setFaults('drop=1,ops=CreateSecret');
    const created = await createUser(SERVER, form('cody'), admin);
    setFaults('');
    expect(await storedPasswordIs('cody', created.passwords.main!)).toBe(true);
  });

  it('a delete never says "already deleted" about its own deletion', async () => {
    await createUser(SERVER, form('dora'), admin);
    setFaults('after=1,ops=DeleteSecret');
    const deleted = await deleteUser(SERVER, 'dora', 7, admin);
    setFaults('');
    expect(deleted.deletionDate).not.toBeNull();
    const described = await sm.send(new DescribeSecretCommand({ SecretId: secretId('dora') }));
    expect(described.DeletedDate).toBeDefined();
    // A user someone else deleted first is still "already deleted".
    await expect(deleteUser(SERVER, 'dora', 7, admin)).rejects.toThrow(/already deleted/);
  });

  it('a restore AWS applied is reported restored, and the pending-deletion tag is gone', async () => {
    await createUser(SERVER, form('rob'), admin);
    await deleteUser(SERVER, 'rob', 7, admin);
    setFaults('after=1,ops=RestoreSecret');
    await restoreUser(SERVER, 'rob', admin);
    setFaults('');
    expect(await tags('rob')).not.toContain(TAG_PENDING_DELETION);
  });

  it('a real conflict is still a conflict, and the losing version keeps no pending stage', async () => {
    await createUser(SERVER, form('connie'), admin);
    const opened = await getUserForEdit(SERVER, 'connie');
    await changeUserDisabled(SERVER, 'connie', true, helpdesk);
    setFaults('after=1,ops=UpdateSecretVersionStage');
    await expect(updateUser(SERVER, 'connie', { ...opened.form, role: `${ROLE}-2` }, opened.versionId, admin)).rejects.toBeInstanceOf(
      StaleVersionError,
    );
    setFaults('');
    expect((await stored('connie')).secret.Role).toBe(ROLE);
    expect(await strandedPendingVersions('connie')).toEqual([]);
  });
});

describe('failures that changed nothing leave nothing behind', () => {
  it('a move of AWSCURRENT that fails takes the pending stage off its version', async () => {
    await createUser(SERVER, form('penny'), admin);
    const before = await stored('penny');
    // The move and the SDK's retries of it fail; the clean-up after them gets through.
    failFirst(3, 'error', 'UpdateSecretVersionStage');
    const failed = await resetPassword(SERVER, 'penny', helpdesk).catch((err: unknown) => err);
    setFaults('');
    expect(failed).toBeInstanceOf(Error);
    expect(failed).not.toBeInstanceOf(StaleVersionError);
    expect((await stored('penny')).versionId).toBe(before.versionId);
    expect(await strandedPendingVersions('penny')).toEqual([]);
  });

  it('a delete that fails takes the pending-deletion tag off the live user', async () => {
    await createUser(SERVER, form('tess'), admin);
    setFaults('error=1,ops=DeleteSecret');
    await expect(deleteUser(SERVER, 'tess', 7, admin)).rejects.toThrow();
    setFaults('');
    const described = await sm.send(new DescribeSecretCommand({ SecretId: secretId('tess') }));
    expect(described.DeletedDate).toBeUndefined();
    expect(await tags('tess')).not.toContain(TAG_PENDING_DELETION);
  });
});

describe('under mixed faults before and after applying', () => {
  it('every reset either shows the password now stored or changes nothing', async () => {
    await createUser(SERVER, form('mixa'), admin);
    let current = (await stored('mixa')).versionId;
    const shown: string[] = [];
    let failures = 0;
    for (let i = 0; i < 10; i++) {
      setFaults('throttle=0.15,error=0.15,after=0.2,drop=0.05,ops=GetSecretValue+PutSecretValue+UpdateSecretVersionStage+DescribeSecret');
      const reset = await resetPassword(SERVER, 'mixa', helpdesk).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
      setFaults('');
      const now = await stored('mixa');
      if (reset instanceof Error) {
        failures++;
        expect(reset).not.toBeInstanceOf(StaleVersionError);
        // "Nothing was changed" must be true.
        expect(now.versionId).toBe(current);
      } else {
        shown.push(reset.password);
        if (reset.outcome === 'saved') expect(await storedPasswordIs('mixa', reset.password)).toBe(true);
      }
      // Whatever is stored now, its password was shown.
      if (now.versionId !== current) expect(await storedPasswordIs('mixa', shown.at(-1) ?? '')).toBe(true);
      current = now.versionId;
    }
    expect(shown.length + failures).toBe(10);
    expect(await strandedPendingVersions('mixa')).toEqual([]);
  });

  it('every create either exists with the password shown or does not exist, and a retry then works', async () => {
    for (let i = 0; i < 6; i++) {
      const name = `mixc${i}`;
      setFaults('throttle=0.2,error=0.2,after=0.3,drop=0.1,ops=CreateSecret+DescribeSecret');
      const created = await createUser(SERVER, form(name, { uid: String(3200 + i), gid: String(3200 + i) }), admin).catch((err: unknown) =>
        err instanceof Error ? err : new Error(String(err)),
      );
      setFaults('');
      if (created instanceof Error) {
        expect(created).not.toBeInstanceOf(ConsoleError);
        await expect(sm.send(new DescribeSecretCommand({ SecretId: secretId(name) }))).rejects.toThrow(/find/);
        const retried = await createUser(SERVER, form(name, { uid: String(3200 + i), gid: String(3200 + i) }), admin);
        expect(await storedPasswordIs(name, retried.passwords.main!)).toBe(true);
      } else if (created.outcome === 'created') {
        expect(await storedPasswordIs(name, created.passwords.main!)).toBe(true);
      } else {
        // Unconfirmed: if the user exists, the password shown is its password.
        const exists = await sm.send(new DescribeSecretCommand({ SecretId: secretId(name) })).then(
          () => true,
          () => false,
        );
        if (exists) expect(await storedPasswordIs(name, created.passwords.main!)).toBe(true);
      }
    }
  });
});

describe('the audit trail under write faults', () => {
  it('retries, then queues durably and says so, and writes the queued records later: none lost, none twice', async () => {
    setFaults('error=1,ops=PutLogEvents');
    const outcome = await recordAudit(admin, 'user.update', SERVER, 'audra', { attempt: 0 });
    expect(outcome).toBe('queued');
    expect(readdirSync(spoolDir).filter((n) => n.endsWith('.json'))).toHaveLength(1);

    setFaults('error=0.3,after=0.2,ops=PutLogEvents');
    for (let i = 1; i < 30; i++) await recordAudit(admin, 'user.update', SERVER, 'audra', { attempt: i });
    setFaults('');
    const { records } = await listAudit({ username: 'audra' });
    expect(records.map((r) => r.details?.attempt).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it('an action whose audit record is queued says so in its result', async () => {
    await createUser(SERVER, form('nora'), admin);
    setFaults('error=1,ops=PutLogEvents');
    const reset = await resetPassword(SERVER, 'nora', helpdesk, { reason: 'locked out' });
    const disabled = await changeUserDisabled(SERVER, 'nora', true, helpdesk, { reason: 'left the partner' });
    setFaults('');
    expect(reset.notices.join(' ')).toMatch(/audit record .* queued/);
    expect(reset.message).toMatch(/queued/);
    expect(disabled.notices.join(' ')).toMatch(/queued/);
    const { records } = await listAudit({ username: 'nora' });
    expect(records.find((r) => r.action === 'user.disable')).toMatchObject({
      details: { reason: 'left the partner' },
      changes: [{ field: 'Disabled', from: 'no', to: 'yes' }],
    });
    expect(records.find((r) => r.action === 'user.reset-password')).toMatchObject({ details: { reason: 'locked out' } });
    expect(JSON.stringify(records)).not.toMatch(/argon2id|\$argon2/);
  });
});

describe('audit records show old → new', () => {
  it('for the fields an edit changed, never a password or hash, and filter by part of a name ignoring case', async () => {
    await createUser(SERVER, form('Olga.New'), admin);
    const opened = await getUserForEdit(SERVER, 'Olga.New');
    await updateUser(
      SERVER,
      'Olga.New',
      { ...opened.form, uid: '3150', acceptedIpNetwork: '192.0.2.0/24', password: { mode: 'generate', storage: 'hash' } },
      opened.versionId,
      admin,
    );
    const { records } = await listAudit({ username: 'olga.n', actor: 'AN' });
    const update = records.find((r) => r.action === 'user.update');
    expect(update?.changes).toEqual(
      expect.arrayContaining([
        { field: 'UID', from: '3101', to: '3150' },
        { field: 'Allowed networks', from: null, to: '192.0.2.0/24' },
      ]),
    );
    expect(JSON.stringify(update)).not.toMatch(/argon2/);
    expect(records.find((r) => r.action === 'user.create')?.changes).toEqual(expect.arrayContaining([{ field: 'Role', from: null, to: ROLE }]));
    expect((await listAudit({ server: SERVER.slice(2, 9).toUpperCase(), username: 'OLGA' })).records.length).toBeGreaterThanOrEqual(2);
    expect((await listAudit({ text: '192.0.2.0' })).records.map((r) => r.username)).toContain('Olga.New');
    expect((await listAudit({ username: 'nobody-like-this' })).records).toEqual([]);
  });
});
