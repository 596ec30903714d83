// Bulk import, export, posture and the plaintext upgrade against the local stack (issue 13).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  paginateListSecrets,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { InitializeMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configureAwsClients } from '@/lib/aws/clients';
import type { Actor } from '@/lib/auth/roles';
import { listAudit } from '@/lib/console/audit';
import { bulkSecretsManager } from '@/lib/console/bulk/client';
import {
  forgetImportsInMemory,
  importJob,
  importStatus,
  recentImports,
  resetLostPasswords,
  startImport,
  takeImportPasswords,
  usersOfImport,
} from '@/lib/console/bulk/apply';
import { jobsDir } from '@/lib/console/bulk/jobs';
import { planImport, rowToken } from '@/lib/console/bulk/dry-run';
import { exportUsers } from '@/lib/console/bulk/export';
import { CSV_COLUMNS, templateCsv } from '@/lib/console/bulk/format';
import { serverPosture } from '@/lib/console/bulk/posture';
import { checkIdentityProvider, forgetUpgradesInMemory, startUpgrade, upgradeJob } from '@/lib/console/bulk/upgrade';
import { ATTENTION_CATEGORIES } from '@/lib/console/user-index-attention';
import { resetLoginIndexes } from '@/lib/console/user-index-logins';
import { listUsers } from '@/lib/console/users';
import { parseFaults } from '@/local/faults';
import { ED25519 } from '../fixtures/keys';
import { startTestStack, type TestStack } from './local-stack-fixture';

const SERVER = 's-1a2b3c4d5e6f70819';
const OTHER = 's-2b3c4d5e6f7081920';
const SAMPLE = 's-3c4d5e6f708192a3b';
const FS = 'fs-0123456789abcdef0';
const ROLE = 'arn:aws:iam::000000000000:role/transfer-efs-user';
const admin: Actor = { username: 'ann', name: 'Ann', role: 'admin' };

let stack: TestStack;
let sm: SecretsManagerClient;
let work: string;
/** Set by a test to make the console's CreateSecret calls fail (or lose their answers, or wait for `releaseHung`). */
let createSecretFault: ((args: unknown) => 'fail' | 'lose-answer' | 'hang' | null) | null = null;
let releaseHung: () => void = () => undefined;
let hung = new Promise<void>((resolve) => (releaseHung = resolve));
/** The local stack's LOCAL_AWS_FAULTS, changed by a test while it runs (none otherwise). */
const faults = parseFaults('');

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'bulk-test-'));
  process.env.CONSOLE_JOBS_DIR = path.join(work, 'jobs');
  stack = await startTestStack({ seed: true, sftp: true, sftpPort: 0, faults });
  const seeded = stack.store.state.servers[0]!;
  stack.store.state.servers.push(
    { ...seeded, ServerId: OTHER, Arn: seeded.Arn.replace(SERVER, OTHER), Tags: [] },
    {
      ...seeded,
      ServerId: SAMPLE,
      Arn: seeded.Arn.replace(SERVER, SAMPLE),
      Tags: [],
      IdentityProviderDetails: {
        ...seeded.IdentityProviderDetails,
        Function: 'arn:aws:lambda:us-east-1:000000000000:function:aws-sample-secrets-idp',
      },
    },
  );
  const clients = configureAwsClients({
    endpoint: stack.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 't', secretAccessKey: 't' },
    maxAttempts: 1,
  });
  const fault: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
    const kind = context.commandName === 'CreateSecretCommand' ? (createSecretFault?.(args.input) ?? null) : null;
    if (kind === 'hang') await hung;
    if (kind === 'fail' || kind === 'hang') throw Object.assign(new Error('simulated interruption'), { name: 'ConsoleStopped' });
    const result = await next(args);
    if (kind === 'lose-answer') throw Object.assign(new Error('answer lost'), { name: 'InternalServiceError' });
    return result;
  };
  void clients;
  (bulkSecretsManager().middlewareStack as MiddlewareStack<object, MetadataBearer>).add(fault, { step: 'initialize' });
  sm = new SecretsManagerClient(stack.clientConfig);
});
afterEach(() => {
  createSecretFault = null;
  faults.throttle = 0;
  faults.operations = null;
});
afterAll(async () => {
  delete process.env.CONSOLE_JOBS_DIR;
  await stack.dispose();
  rmSync(work, { recursive: true, force: true });
});

async function namesOn(serverId: string): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListSecrets({ client: sm }, { Filters: [{ Key: 'name', Values: [`aws/transfer/${serverId}/`] }] })) {
    for (const entry of page.SecretList ?? []) names.push(entry.Name!.split('/').pop()!);
  }
  return names.sort();
}

const header = CSV_COLUMNS.join(',');
const line = (cells: Partial<Record<(typeof CSV_COLUMNS)[number], string>>) =>
  CSV_COLUMNS.map((c) => `"${(cells[c] ?? '').replace(/"/g, '""')}"`).join(',');

describe('CSV import: dry run, then apply only after confirm', () => {
  const csv = [
    header,
    line({
      username: 'imp-ann',
      password: 'generate',
      role: ROLE,
      uid: '4001',
      gid: '4001',
      home: `/${FS}/home/imp-ann`,
      allowed_networks: '203.0.113.0/24',
    }),
    line({
      username: 'imp-bob',
      sign_in_methods: 'keys',
      password: 'none',
      public_keys: ED25519.line,
      role: ROLE,
      uid: '4002',
      gid: '4002',
      home: `/inbox=/${FS}/home/imp-bob;/shared=/${FS}/shared`,
    }),
    line({ username: '-bad', password: 'generate', role: ROLE, uid: '4003', gid: '4003', home: `/${FS}/home/x` }),
    line({ username: 'imp-dan', password: 'hunter2', role: 'not-an-arn', uid: 'abc', gid: '4004', home: `/${FS}/home/../etc` }),
    line({
      username: 'imp-eve',
      password: 'generate',
      role: ROLE,
      uid: '0',
      gid: '0',
      home: `/${FS}/home/imp-eve`,
      expires_at: '2020-01-01T00:00:00Z',
    }),
    line({ username: 'Alice', password: 'generate', role: ROLE, uid: '2001', gid: '2001', home: `/${FS}/home/alice2` }),
  ].join('\n');

  it('lists every bad row with its row number and column, warns, previews, and writes nothing', async () => {
    const before = await namesOn(SERVER);
    const { dryRun } = await planImport(SERVER, 'users.csv', csv);
    expect(dryRun.summary).toMatchObject({ total: 6, valid: 4, invalid: 2 });
    const bad = dryRun.rows.filter((r) => r.errors.length > 0);
    expect(bad.map((r) => r.row)).toEqual([4, 5]);
    expect(bad[0]!.errors.map((e) => e.column)).toContain('username');
    expect(bad[1]!.errors.map((e) => e.column)).toEqual(expect.arrayContaining(['password', 'role', 'uid', 'home']));
    const eve = dryRun.rows.find((r) => r.username === 'imp-eve')!;
    expect(eve.warnings.join(' ')).toMatch(/UID 0/);
    expect(eve.warnings.join(' ')).toMatch(/expiry is in the past/);
    expect(dryRun.rows.find((r) => r.username === 'Alice')!.warnings.join(' ')).toMatch(
      /alice already exists; Alice differs only in case[\s\S]*UID 2001 is also used by alice/,
    );
    const ann = dryRun.rows.find((r) => r.username === 'imp-ann')!;
    expect(ann.secretPreview).toMatchObject({ Role: ROLE, PasswordHash: '<argon2id hash of a generated password>' });
    expect(ann.lambdaAnswer).toMatchObject({ Role: ROLE, HomeDirectoryType: 'LOGICAL' });
    expect(await namesOn(SERVER)).toEqual(before);
  });

  it('refuses an apply of another file than the one confirmed, writing nothing', async () => {
    const before = await namesOn(SERVER);
    await expect(startImport(SERVER, 'users.csv', csv, '00000000-0000-0000-0000-000000000000', admin)).rejects.toThrow(
      /not the one whose dry run was confirmed/,
    );
    expect(await namesOn(SERVER)).toEqual(before);
  });

  it('after confirm writes the good rows only, delivers the passwords once and audits each user and the import', async () => {
    const { dryRun } = await planImport(SERVER, 'users.csv', csv);
    const { done } = await startImport(SERVER, 'users.csv', csv, dryRun.importId, admin);
    const job = await done;
    expect(job.counts).toEqual({ created: 4, 'already-created': 0, 'skipped-existing': 0, failed: 2 });
    expect(importStatus(dryRun.importId)?.state).toBe('finished');
    const names = await namesOn(SERVER);
    expect(names).toEqual(expect.arrayContaining(['imp-ann', 'imp-bob', 'imp-eve', 'Alice']));
    expect(names).not.toContain('imp-dan');
    const file = await takeImportPasswords(SERVER, dryRun.importId);
    const rows = parse<{ username: string; which: string; password: string; connect: string }>(file!, { columns: true });
    expect(rows.map((r) => r.username).sort()).toEqual(['Alice', 'imp-ann', 'imp-eve']);
    expect(rows[0]!.connect).toMatch(/^sftp .*@/);
    expect(await takeImportPasswords(SERVER, dryRun.importId)).toBeNull();
    const annSecret = (await sm.send(new GetSecretValueCommand({ SecretId: `aws/transfer/${SERVER}/imp-ann` }))).SecretString!;
    expect(annSecret).toMatch(/"PasswordHash":"\$argon2id\$/);
    expect(annSecret).not.toContain(rows.find((r) => r.username === 'imp-ann')!.password);
    const audit = await listAudit({ serverId: SERVER });
    expect(audit.records.filter((r) => r.action === 'user.create' && r.details?.importId === dryRun.importId)).toHaveLength(4);
    expect(audit.records.filter((r) => r.action === 'users.import' && r.details?.importId === dryRun.importId)).toHaveLength(1);
  });
});

describe('an import interrupted half-way and run again', () => {
  const rows = Array.from({ length: 12 }, (_, i) =>
    line({
      username: `batch-${String(i).padStart(2, '0')}`,
      password: i % 2 ? 'generate' : 'none',
      public_keys: i % 2 ? '' : ED25519.line,
      role: ROLE,
      uid: String(5000 + i),
      gid: '5000',
      home: `/${FS}/home/batch-${i}`,
    }),
  );
  const csv = [header, ...rows].join('\n');

  it('finishes with every row present once, none written twice', async () => {
    const { dryRun } = await planImport(SERVER, 'batch.csv', csv);
    const rowsSeen = new Set<string>();
    let calls = 0;
    // The first run stops after 5 rows; some answers are lost, so those writes are retried.
    createSecretFault = (input) => {
      rowsSeen.add((input as { ClientRequestToken: string }).ClientRequestToken);
      return rowsSeen.size > 5 ? 'fail' : ++calls % 2 ? 'lose-answer' : null;
    };
    const first = await (await startImport(SERVER, 'batch.csv', csv, dryRun.importId, admin, { concurrency: 1 })).done;
    expect(first.counts.created).toBe(5);
    expect(first.counts.failed).toBe(7);
    expect((await usersOfImport(SERVER, dryRun.importId)).size).toBe(5);
    createSecretFault = null;
    const second = await (await startImport(SERVER, 'batch.csv', csv, dryRun.importId, admin)).done;
    expect(second.counts).toEqual({ created: 7, 'already-created': 5, 'skipped-existing': 0, failed: 0 });
    expect((await namesOn(SERVER)).filter((n) => n.startsWith('batch-'))).toHaveLength(12);
    for (const r of dryRun.rows) {
      const described = await sm.send(new DescribeSecretCommand({ SecretId: `aws/transfer/${SERVER}/${r.username}` }));
      expect(Object.keys(described.VersionIdsToStages ?? {})).toEqual([rowToken(dryRun.importId, r.row)]);
    }
    const third = await (await startImport(SERVER, 'batch.csv', csv, dryRun.importId, admin)).done;
    expect(third.counts).toEqual({ created: 0, 'already-created': 12, 'skipped-existing': 0, failed: 0 });
  });
});

describe('a console restart during an import', () => {
  const csv = [
    header,
    ...Array.from({ length: 10 }, (_, i) =>
      line({
        username: `restart-${i}`,
        password: i % 2 ? 'generate' : 'none',
        public_keys: i % 2 ? '' : ED25519.line,
        role: ROLE,
        uid: String(6000 + i),
        gid: '6000',
        home: `/${FS}/home/restart-${i}`,
      }),
    ),
  ].join('\n');
  const fileOf = (importId: string) => path.join(jobsDir(), `import-${SERVER}-${importId}.json`);
  const stored = (importId: string) => JSON.parse(readFileSync(fileOf(importId), 'utf8')) as { job: { state: string; counts: { created: number } } };

  async function until(check: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
    if (!check()) throw new Error(`timed out waiting for ${what}`);
  }

  it('refuses to start a file another console process is importing now, and writes nothing', async () => {
    const text = [
      header,
      line({ username: 'elsewhere-0', password: 'none', public_keys: ED25519.line, role: ROLE, uid: '6100', gid: '6100', home: `/${FS}/home/e0` }),
    ].join('\n');
    const { dryRun } = await planImport(SERVER, 'elsewhere.csv', text);
    const startedAt = new Date().toISOString();
    mkdirSync(jobsDir(), { recursive: true });
    // What another console's running import keeps fresh in the shared jobs directory.
    writeFileSync(
      fileOf(dryRun.importId),
      JSON.stringify({
        kind: 'import',
        key: `${SERVER}-${dryRun.importId}`,
        owner: { host: 'other-console-host', pid: 1, instance: 'other' },
        updatedAt: startedAt,
        job: {
          importId: dryRun.importId,
          serverId: SERVER,
          fileName: 'elsewhere.csv',
          actor: 'bea',
          startedAt,
          finishedAt: null,
          state: 'running',
          total: 1,
          counts: { created: 0, 'already-created': 0, 'skipped-existing': 0, failed: 0 },
          results: [],
        },
      }),
    );
    await expect(startImport(SERVER, 'elsewhere.csv', text, dryRun.importId, admin)).rejects.toThrow(
      /being imported by another console process \(started by bea at .*\)\. .*Nothing was written\./,
    );
    await expect(sm.send(new DescribeSecretCommand({ SecretId: `aws/transfer/${SERVER}/elsewhere-0` }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    // Once that run stops refreshing its file, it is interrupted and this console may finish it.
    rmSync(fileOf(dryRun.importId));
    const finished = await (await startImport(SERVER, 'elsewhere.csv', text, dryRun.importId, admin)).done;
    expect(finished.counts.created).toBe(1);
  });

  it('shows the job interrupted with its counts, lists the users whose passwords were lost, and a re-run finishes it without a duplicate', async () => {
    const { dryRun } = await planImport(SERVER, 'restart.csv', csv);
    const tokens = new Set<string>();
    // The first 4 rows are written; then every CreateSecret hangs, as in a process about to be killed.
    createSecretFault = (input) => {
      tokens.add((input as { ClientRequestToken: string }).ClientRequestToken);
      return tokens.size > 4 ? 'hang' : null;
    };
    const first = await startImport(SERVER, 'restart.csv', csv, dryRun.importId, admin, { concurrency: 1 });
    await until(() => importStatus(dryRun.importId)?.counts.created === 4, 'four rows');
    // The file follows within its throttle (a second), not one write per row.
    await until(() => stored(dryRun.importId).job.counts.created === 4, 'the job file');
    expect(stored(dryRun.importId).job.state).toBe('running');
    expect(statSync(fileOf(dryRun.importId)).mode & 0o777).toBe(0o600);

    forgetImportsInMemory(); // the restart: the new process knows the job from its file only
    const view = await importJob(SERVER, dryRun.importId);
    expect(view?.job).toMatchObject({ state: 'interrupted', fileName: 'restart.csv', actor: 'ann', total: 10, passwordsWaiting: false });
    expect(view?.job.counts).toEqual({ created: 4, 'already-created': 0, 'skipped-existing': 0, failed: 0 });
    expect(view?.job.results.filter((r) => r.status === 'pending')).toHaveLength(6);
    // restart-1 and restart-3 were created with a generated password nobody received.
    expect(view?.needReset).toEqual(['restart-1', 'restart-3']);
    expect(await takeImportPasswords(SERVER, dryRun.importId)).toBeNull();
    // The import page lists it among the server's recent imports (no other server's).
    const recent = await recentImports(SERVER);
    expect(recent.find((r) => r.job.importId === dryRun.importId)).toMatchObject({ job: { state: 'interrupted', fileName: 'restart.csv' } });
    expect(await recentImports(SAMPLE)).toEqual([]);

    // The old run's last calls end; a run that is no longer registered never rewrites the file.
    releaseHung();
    await first.done;
    expect(stored(dryRun.importId).job.state).toBe('running');
    expect((await importJob(SERVER, dryRun.importId))?.job.state).toBe('interrupted');
    createSecretFault = null;
    hung = new Promise<void>((resolve) => (releaseHung = resolve));

    const again = await (await startImport(SERVER, 'restart.csv', csv, dryRun.importId, admin)).done;
    expect(again.counts).toEqual({ created: 6, 'already-created': 4, 'skipped-existing': 0, failed: 0 });
    for (const r of dryRun.rows) {
      const described = await sm.send(new DescribeSecretCommand({ SecretId: `aws/transfer/${SERVER}/${r.username}` }));
      expect(Object.keys(described.VersionIdsToStages ?? {})).toEqual([rowToken(dryRun.importId, r.row)]);
    }
    const after = await importJob(SERVER, dryRun.importId);
    expect(after?.job.state).toBe('finished');
    expect(after?.job.passwordsWaiting).toBe(true);
    expect(after?.needReset).toEqual(['restart-1', 'restart-3']);

    // The passwords waiting in memory are in no file, before or after their one download.
    const before = readFileSync(fileOf(dryRun.importId), 'utf8');
    const passwords = parse<{ username: string; password: string }>((await takeImportPasswords(SERVER, dryRun.importId))!, { columns: true });
    expect(passwords.map((p) => p.username).sort()).toEqual(['restart-5', 'restart-7', 'restart-9']);
    const afterDownload = readFileSync(fileOf(dryRun.importId), 'utf8');
    for (const { password } of passwords) {
      expect(password.length).toBeGreaterThan(8);
      expect(before).not.toContain(password);
      expect(afterDownload).not.toContain(password);
    }
    expect(before + afterDownload).not.toMatch(/argon2|PasswordHash/);
    expect(JSON.parse(afterDownload)).toMatchObject({ job: { passwordsDownloaded: true, passwordsWaiting: false } });

    // The users whose passwords were lost get new ones through the users' own reset, delivered once.
    const hashBefore = (await sm.send(new GetSecretValueCommand({ SecretId: `aws/transfer/${SERVER}/restart-1` }))).SecretString!;
    expect(await resetLostPasswords(SERVER, dryRun.importId, admin)).toEqual({ reset: ['restart-1', 'restart-3'], failed: [] });
    expect((await importJob(SERVER, dryRun.importId))?.needReset).toEqual([]);
    const renewed = parse<{ username: string; which: string; password: string }>((await takeImportPasswords(SERVER, dryRun.importId))!, {
      columns: true,
    });
    expect(renewed.map((p) => `${p.username} ${p.which}`).sort()).toEqual(['restart-1 password', 'restart-3 password']);
    const hashAfter = (await sm.send(new GetSecretValueCommand({ SecretId: `aws/transfer/${SERVER}/restart-1` }))).SecretString!;
    expect(hashAfter).not.toBe(hashBefore);
    expect(hashAfter).toMatch(/"PasswordHash":"\$argon2id\$/);
    for (const { password } of renewed) expect(readFileSync(fileOf(dryRun.importId), 'utf8')).not.toContain(password);
    const audit = await listAudit({ serverId: SERVER, action: 'user.reset-password' });
    expect(
      audit.records
        .filter((r) => r.username?.startsWith('restart-'))
        .map((r) => r.username)
        .sort(),
    ).toEqual(['restart-1', 'restart-3']);
    await expect(resetLostPasswords(SERVER, dryRun.importId, admin)).rejects.toThrow(/No user of this import is waiting/);
  });
});

describe('export, then import into another server', () => {
  it('reproduces every user, with new passwords where passwords existed, never a password or hash', async () => {
    for (const format of ['csv', 'json'] as const) {
      const exported = await exportUsers(SERVER, format);
      expect(exported.body).not.toMatch(/argon2id|Demo-Alice-2026|Password"/);
      expect(exported.skipped).toEqual([]);
      const target = format === 'csv' ? OTHER : SAMPLE;
      const { dryRun } = await planImport(target, exported.fileName, exported.body);
      expect(dryRun.rows.filter((r) => r.errors.length)).toEqual([]);
      const job = await (await startImport(target, exported.fileName, exported.body, dryRun.importId, admin)).done;
      expect(job.counts, JSON.stringify(job.results.filter((r) => r.status !== 'created'))).toMatchObject({ created: exported.exported, failed: 0 });
      const again = await exportUsers(target, format);
      const strip = (body: string) => body.replace(/"(serverId|exportedAt)": "[^"]*"/g, '').replace(/s-[0-9a-f]{17}-users-[\d-]+/g, '');
      expect(strip(again.body)).toBe(strip(exported.body));
      const passwords = parse<{ username: string }>((await takeImportPasswords(target, dryRun.importId)) ?? '', { columns: true });
      expect(passwords.map((p) => p.username)).toContain('alice');
      expect(passwords.map((p) => p.username)).not.toContain('bob');
    }
  });
});

function sftpLogin(port: number, user: string, password: string): Promise<{ code: number; output: string }> {
  const batch = path.join(work, `batch-${user}`);
  writeFileSync(batch, 'pwd\n');
  const args = [
    '-e',
    'sftp',
    '-oBatchMode=no',
    '-oPubkeyAuthentication=no',
    '-oPreferredAuthentications=password',
    '-oNumberOfPasswordPrompts=1',
    '-oStrictHostKeyChecking=no',
    '-oUserKnownHostsFile=/dev/null',
    '-P',
    String(port),
    '-b',
    batch,
    `${user}@127.0.0.1`,
  ];
  return new Promise((resolve) => {
    const child = spawn('sshpass', args, { env: { ...process.env, SSHPASS: password }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

async function postureOf(serverId: string, options: { recount?: boolean } = {}) {
  const result = await serverPosture(serverId, { waitMs: 30_000, ...options });
  if (!result.ready) throw new Error(`the user index was not built: ${result.lastError}`);
  return result.posture;
}

describe('posture and the plaintext upgrade', () => {
  const seedShaped: Record<string, Record<string, string>> = {
    'plain-dora': {
      Password: 'Dora-Pass-1',
      Role: ROLE,
      PosixProfile: '{"Uid": 2101, "Gid": 2101}',
      HomeDirectoryDetails: `[{"Entry": "/", "Target": "/${FS}/home/dora"}]`,
    },
    'plain-ed': {
      Password: 'Ed-Pass-1',
      SFTPPassword: 'Ed-Sftp-Pass-1',
      Role: ROLE,
      PosixProfile: '{"Uid": 0, "Gid": 0}',
      HomeDirectory: `/${FS}/home/ed`,
    },
    'plain-fay': {
      Password: 'Fay-Pass-1',
      Role: ROLE,
      PosixProfile: '{"Uid": 2101, "Gid": 2101}',
      HomeDirectory: `/${FS}/home/fay`,
      ExpiresAt: '2020-01-01T00:00:00Z',
    },
    'broken-gus': { Role: ROLE, PosixProfile: 'not json', HomeDirectory: `/${FS}/home/gus` },
  };

  beforeAll(async () => {
    for (const [name, secret] of Object.entries(seedShaped)) {
      await sm.send(new CreateSecretCommand({ Name: `aws/transfer/${SERVER}/${name}`, SecretString: JSON.stringify(secret) }));
    }
  });

  it('counts what needs attention, per protocol for plaintext', async () => {
    // Written outside the console (above): a recount rebuilds the index the posture counts.
    const posture = await postureOf(SERVER, { recount: true });
    const names = (c: keyof typeof posture.categories) => posture.categories[c].map((e) => e.username);
    expect(names('plaintext')).toEqual(expect.arrayContaining(['plain-dora', 'plain-ed', 'plain-fay']));
    expect(posture.plaintextBySlot.SFTP).toBe(1);
    expect(names('uid-0')).toContain('plain-ed');
    expect(names('shared-uid')).toEqual(expect.arrayContaining(['plain-dora', 'plain-fay']));
    expect(names('expired')).toContain('plain-fay');
    expect(names('unreadable')).toContain('broken-gus');
    expect(names('no-allow-list')).toContain('plain-dora');
    expect(names('no-allow-list')).not.toContain('imp-ann');
  });

  it('refuses a server whose Lambda is not this project’s unless overridden', async () => {
    expect((await checkIdentityProvider(SAMPLE)).ours).toBe(false);
    expect((await checkIdentityProvider(SERVER)).ours).toBe(true);
    await expect(startUpgrade(SAMPLE, 'all', admin)).rejects.toThrow(/cannot read hashes/);
  });

  it('refuses to start while another console process upgrades the same server, and changes nothing', async () => {
    const file = path.join(jobsDir(), `upgrade-${OTHER}.json`);
    const startedAt = new Date().toISOString();
    mkdirSync(jobsDir(), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify({
        kind: 'upgrade',
        key: OTHER,
        owner: { host: 'other-console-host', pid: 1, instance: 'other' },
        updatedAt: startedAt,
        job: {
          serverId: OTHER,
          actor: 'bea',
          startedAt,
          finishedAt: null,
          state: 'running',
          total: 3,
          counts: { upgraded: 1, 'nothing-to-do': 0, failed: 0 },
          results: [],
        },
      }),
    );
    try {
      expect(await upgradeJob(OTHER)).toMatchObject({ elsewhere: true, job: { actor: 'bea', state: 'running' } });
      await expect(startUpgrade(OTHER, 'all', admin, { override: true })).rejects.toThrow(
        /Another console process is upgrading this server's passwords \(started by bea at .*\)\. .*Nothing was changed\./,
      );
    } finally {
      rmSync(file);
    }
  });

  it('hashes every plaintext in place; every user still logs in over SFTP with the same password', async () => {
    const port = stack.sftpEndpoints.find((e) => e.serverId === SERVER)!.port;
    expect((await sftpLogin(port, 'plain-dora', 'Dora-Pass-1')).code).toBe(0);
    const job = await (await startUpgrade(SERVER, 'all', admin)).done;
    expect(job.counts.failed).toBe(0);
    expect(job.results.map((r) => r.username)).toEqual(expect.arrayContaining(['plain-dora', 'plain-ed', 'plain-fay']));
    for (const name of ['plain-dora', 'plain-ed', 'plain-fay']) {
      const value = (await sm.send(new GetSecretValueCommand({ SecretId: `aws/transfer/${SERVER}/${name}` }))).SecretString!;
      const secret = JSON.parse(value) as Record<string, string>;
      expect(Object.keys(secret).filter((k) => /Password$/.test(k))).toEqual([]);
      expect(secret.PasswordHash).toMatch(/^\$argon2id\$/);
      expect(value).not.toMatch(/Pass-1/);
      // The replaced version, which holds the plaintext, is no longer one stage name away.
      await expect(
        sm.send(new GetSecretValueCommand({ SecretId: `aws/transfer/${SERVER}/${name}`, VersionStage: 'AWSPREVIOUS' })),
      ).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
      const { VersionIdsToStages } = await sm.send(new DescribeSecretCommand({ SecretId: `aws/transfer/${SERVER}/${name}` }));
      for (const versionId of Object.keys(VersionIdsToStages ?? {}))
        expect(
          (await sm.send(new GetSecretValueCommand({ SecretId: `aws/transfer/${SERVER}/${name}`, VersionId: versionId }))).SecretString,
        ).not.toMatch(/Pass-1/);
    }
    expect(job.results.every((r) => r.message === undefined)).toBe(true);
    expect((await sftpLogin(port, 'plain-dora', 'Dora-Pass-1')).code).toBe(0);
    const ed = await sftpLogin(port, 'plain-ed', 'Ed-Sftp-Pass-1');
    expect(ed.code, ed.output).toBe(0);
    expect((await sftpLogin(port, 'plain-ed', 'Ed-Pass-1')).code).not.toBe(0);
    // After a restart the finished upgrade is still shown, from its job file.
    forgetUpgradesInMemory();
    const shown = await upgradeJob(SERVER);
    expect(shown?.job).toMatchObject({ state: 'finished', actor: 'ann', counts: job.counts });
    const again = await (await startUpgrade(SERVER, ['plain-dora'], admin)).done;
    expect(again.results[0]).toMatchObject({ username: 'plain-dora', status: 'nothing-to-do' });
    // The upgrade's own writes count at once, without a recount.
    expect((await postureOf(SERVER)).categories.plaintext).toEqual([]);
  });
});

describe('the plaintext upgrade under throttling', () => {
  const users = Array.from({ length: 24 }, (_, i) => `thr-${String(i).padStart(2, '0')}`);
  const passwordOf = (name: string) => `${name}-Pass-1`;
  const firstVersion = new Map<string, string>();

  beforeAll(async () => {
    for (const name of users) {
      const created = await sm.send(
        new CreateSecretCommand({
          Name: `aws/transfer/${SERVER}/${name}`,
          SecretString: JSON.stringify({
            Password: passwordOf(name),
            Role: ROLE,
            PosixProfile: '{"Uid": 2201, "Gid": 2201}',
            HomeDirectory: `/${FS}/home/${name}`,
          }),
        }),
      );
      firstVersion.set(name, created.VersionId!);
    }
  });

  it('upgrades every user exactly once through 10 % throttling, and each still logs in over SFTP', { timeout: 180_000 }, async () => {
    // Secrets Manager's calls only: the listing's ListSecrets goes through the shared client, which this file sets to one attempt.
    faults.throttle = 0.1;
    faults.operations = ['GetSecretValue', 'BatchGetSecretValue', 'DescribeSecret', 'PutSecretValue', 'UpdateSecretVersionStage'];
    const job = await (await startUpgrade(SERVER, users, admin)).done;
    faults.throttle = 0;
    expect(job.counts).toEqual({ upgraded: users.length, 'nothing-to-do': 0, failed: 0 });
    // Throttles did happen (24 users x 3 calls at 10 %), and were absorbed.
    expect(job.retries).toBeGreaterThan(0);
    expect(job.awsCalls).toBeGreaterThanOrEqual(users.length * 3);

    const audit = await listAudit({ serverId: SERVER, action: 'user.upgrade-password' });
    for (const name of users) {
      const id = `aws/transfer/${SERVER}/${name}`;
      const value = (await sm.send(new GetSecretValueCommand({ SecretId: id }))).SecretString!;
      expect(value).not.toContain(passwordOf(name));
      expect((JSON.parse(value) as Record<string, string>).PasswordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      // One labelled version, the hashed one; the seed's (plaintext) version lost its AWSPREVIOUS label.
      const stages = Object.entries((await sm.send(new DescribeSecretCommand({ SecretId: id }))).VersionIdsToStages ?? {}).filter(
        ([, s]) => s.length > 0,
      );
      expect(stages).toHaveLength(1);
      expect(stages[0]![1]).toContain('AWSCURRENT');
      expect(stages[0]![0]).not.toBe(firstVersion.get(name));
      // The private stage stays only on the version that became current (writeIfCurrent's design).
      expect(stages.filter(([, s]) => s.includes('TRANSFERDESK_PENDING')).every(([, s]) => s.includes('AWSCURRENT'))).toBe(true);
      expect(audit.records.filter((r) => r.username === name)).toHaveLength(1);
    }

    const port = stack.sftpEndpoints.find((e) => e.serverId === SERVER)!.port;
    for (const name of users) {
      const login = await sftpLogin(port, name, passwordOf(name));
      expect(login.code, `${name}: ${login.output}`).toBe(0);
    }

    // Run again: nothing left to upgrade, nothing written.
    const again = await (await startUpgrade(SERVER, users, admin)).done;
    expect(again.counts).toEqual({ upgraded: 0, 'nothing-to-do': users.length, failed: 0 });
  });
});

describe('the template', () => {
  it('has the documented header and imports as a dry run without errors on the demo server', async () => {
    const { dryRun } = await planImport(SERVER, 'template.csv', templateCsv());
    expect(templateCsv().split('\n')[0]).toBe(header);
    expect(dryRun.rows.flatMap((r) => r.errors)).toEqual([]);
  });
});

describe('the users list filtered by a posture category', () => {
  it('lists exactly the users each posture count names, page by page', async () => {
    const posture = await postureOf(SERVER, { recount: true });
    expect(posture.loginHistory, JSON.stringify(posture.loginHistory)).toMatchObject({ available: true });
    for (const category of ATTENTION_CATEGORIES) {
      const listed: string[] = [];
      for (let page = 1; ; page++) {
        const list = await listUsers(SERVER, { attention: category, page });
        expect(list.attention).toEqual({ category, total: posture.categories[category].length });
        listed.push(...list.users.map((u) => u.username));
        if (page >= (list.pageCount ?? 1)) break;
      }
      expect(listed.sort(), category).toEqual(posture.categories[category].map((e) => e.username).sort());
    }
    // Searching within a category narrows it; the detail says why each is listed.
    const weak = await listUsers(SERVER, { attention: 'no-allow-list', search: 'plain-' });
    expect(weak.users.map((u) => u.username)).toEqual(['plain-dora', 'plain-ed', 'plain-fay']);
    expect(weak.users[0]!.attentionDetail).toBe('from any address');
  });

  it('counts as never logged in only users without a successful login, and says when the history is unavailable', async () => {
    const posture = await postureOf(SERVER);
    const never = posture.categories['never-logged-in'].map((e) => e.username);
    // plain-dora logged in over SFTP above; imp-bob never did.
    expect(never).not.toContain('plain-dora');
    expect(never).toContain('imp-bob');
    expect(posture.loginHistory).toMatchObject({ available: true });

    process.env.LOGIN_LOG_GROUP = '/aws/lambda/no-such-function';
    resetLoginIndexes();
    try {
      const unavailable = await postureOf(SERVER);
      expect(unavailable.loginHistory).toMatchObject({
        available: false,
        reason: expect.stringMatching(/no-such-function does not exist/) as string,
      });
      expect(unavailable.categories['never-logged-in']).toEqual([]);
      await expect(listUsers(SERVER, { attention: 'never-logged-in' })).rejects.toThrow(/Login history unavailable/);
      // The users list's own status filter says the same, instead of counting everybody as never logged in.
      await expect(listUsers(SERVER, { status: 'never-logged-in' })).rejects.toThrow(/Login history unavailable/);
    } finally {
      delete process.env.LOGIN_LOG_GROUP;
      resetLoginIndexes();
    }
  });
});
