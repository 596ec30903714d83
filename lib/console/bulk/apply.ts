// Applying a confirmed dry run: one CreateSecret per valid row, a bounded number at a time and under
// a request-rate ceiling, throttling retried with back-off. Each row's ClientRequestToken comes from
// the import id and the row, and each secret is tagged with the import id, so running the same file
// again finishes an interrupted import without a duplicate or a second write of any row.
import 'server-only';
import { CreateSecretCommand, DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { stringify } from 'csv-stringify/sync';
import type { Actor } from '../../auth/roles';
import { parseSecretName, PROTOCOLS, serializeUserSecret, type UserSecretInput } from '../../secret/contract';
import { generatePassword } from '../../secret/password';
import { auditBatcher, recordAudit } from '../audit';
import { ConsoleError } from '../errors';
import { errorName } from '../errors';
import { getServer, secretPrefix, type ServerSummary } from '../servers';
import { validateUserForm, type GeneratedPasswords } from '../user-form';
import { noteUserChanged } from '../user-index';
import { reserveUid } from '../user-index-uids';
import { serverSecretEntries } from '../users/list';
import { resetPassword, slotLabel, type PasswordSlot } from '../users/passwords';
import { requireManageableServer, TAG_MANAGED, TAG_UID, userSecretId, type SecretsManagerSender } from '../users/shared';
import { bulkSecretsManager, pacedSecretsManager } from './client';
import { hashUserPassword } from '../argon2';
import { planImport, type ApplicableRow, type DryRun } from './dry-run';
import { JobFile, listJobFiles, readJobFile, type StoredJob } from './jobs';
import { forEachBounded, rateLimiter, withBackoff } from './retry';

export const TAG_IMPORT = 'transfer-desk:import-id';
export const TAG_IMPORT_ROW = 'transfer-desk:import-row';
/**
 * Secrets Manager allows 50 CreateSecret calls a second per account and region: every attempt (the
 * SDK's retries included) is paced at 90 % of it, leaving room for another writer's occasional create.
 */
export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_CREATES_PER_SECOND = 45;
const PASSWORDS_KEPT_MS = 30 * 60 * 1000;

export type RowStatus = 'pending' | 'created' | 'already-created' | 'skipped-existing' | 'failed';
export type RowResult = { row: number; username: string; status: RowStatus; message?: string };
export type ImportJob = {
  importId: string;
  serverId: string;
  fileName: string;
  actor: string;
  startedAt: string;
  finishedAt: string | null;
  /** `interrupted`: read from the job's file after the process that ran it stopped (see jobs.ts). */
  state: 'running' | 'finished' | 'interrupted';
  total: number;
  counts: Record<Exclude<RowStatus, 'pending'>, number>;
  results: RowResult[];
  /** Whether a passwords file is waiting to be downloaded (its content is never part of the status). */
  passwordsWaiting: boolean;
  passwordsDownloaded: boolean;
  /** Users this run created with a generated password (names only: the passwords never reach the job file). */
  passwordsFor: string[];
  /** The passwords were forgotten unread (30 minutes after the end, or the process stopped). */
  passwordsLost: boolean;
  /** Users an earlier run of this import created whose generated passwords were lost undelivered. */
  passwordsLostEarlier: string[];
  /** Which passwords were generated for each user ('main', 'SFTP', …): what a reset of lost ones renews. */
  generatedSlots: Record<string, PasswordSlot[]>;
  awsCalls: number;
  retries: number;
};

type PasswordLine = { username: string; slot: string; password: string };
type JobRecord = {
  job: ImportJob;
  passwords: PasswordLine[];
  passwordsTimer: NodeJS.Timeout | null;
  done: Promise<ImportJob>;
  file: JobFile<ImportJob>;
};

// One registry per process, kept on globalThis so module reloads in development share it.
const registry: Map<string, JobRecord> = ((globalThis as { __transferDeskImports?: Map<string, JobRecord> }).__transferDeskImports ??= new Map<
  string,
  JobRecord
>());

const statusMessages: Record<Exclude<RowStatus, 'pending' | 'failed'>, string> = {
  created: 'Created.',
  'already-created':
    'Already created by an earlier run of this import; nothing written. Its password was delivered then (reset it if that file was lost).',
  'skipped-existing': 'A user with this name already exists and was not created by this import; left as it is.',
};

export function connectionInstructions(server: Pick<ServerSummary, 'serverId' | 'localEndpoint'>, username: string): string {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const host = server.localEndpoint ?? `${server.serverId}.server.transfer.${region}.amazonaws.com`;
  const [hostname, port] = host.includes(':') && !host.startsWith('[') ? host.split(':') : [host, undefined];
  return `sftp ${port ? `-P ${port} ` : ''}${username}@${hostname}`;
}

/** An import's job file is named by its server and id, so a server's recent imports are found by name. */
const jobKey = (serverId: string, importId: string) => `${serverId}-${importId}`;

function publicJob(record: JobRecord): ImportJob {
  return {
    ...record.job,
    counts: { ...record.job.counts },
    results: record.job.results.map((r) => ({ ...r })),
    passwordsFor: [...record.job.passwordsFor],
    passwordsLostEarlier: [...record.job.passwordsLostEarlier],
    generatedSlots: { ...record.job.generatedSlots },
    passwordsWaiting: record.passwords.length > 0,
  };
}

/** What the job file holds: the public job, never a password (`passwordsWaiting` says only whether some wait in memory). */
function storedJob(record: JobRecord): ImportJob {
  return publicJob(record);
}

/** Names of this server's users created by the given import (from the tag every imported secret carries). */
export async function usersOfImport(serverId: string, importId: string): Promise<Set<string>> {
  const names = new Set<string>();
  for await (const entry of serverSecretEntries(serverId)) {
    if (!entry.Tags?.some((t) => t.Key === TAG_IMPORT && t.Value === importId)) continue;
    const name = entry.Name ? parseSecretName(entry.Name, secretPrefix())?.username : undefined;
    if (name) names.add(name);
  }
  return names;
}

type RowOutcome = { status: Exclude<RowStatus, 'pending'>; message?: string; passwords?: GeneratedPasswords; calls: number; retries: number };

/** New passwords for a row, as the create form makes them (always hashed), hashed off the event loop. */
async function generatedPasswords(
  form: ApplicableRow['form'],
): Promise<{ shown: GeneratedPasswords; stored: Pick<UserSecretInput, 'PasswordHash' | 'ProtocolOverrides'> }> {
  const shown: GeneratedPasswords = {};
  const stored: Pick<UserSecretInput, 'PasswordHash' | 'ProtocolOverrides'> = {};
  if (form.password.mode === 'generate') {
    shown.main = generatePassword();
    stored.PasswordHash = await hashUserPassword(shown.main);
  }
  for (const protocol of PROTOCOLS) {
    if (!form.protocolPasswords[protocol]) continue;
    shown[protocol] = generatePassword();
    stored.ProtocolOverrides = { ...stored.ProtocolOverrides, [protocol]: { PasswordHash: await hashUserPassword(shown[protocol]) } };
  }
  return { shown, stored };
}

async function createRow(
  serverId: string,
  domain: ServerSummary['domain'],
  importId: string,
  row: ApplicableRow,
  client: SecretsManagerSender,
): Promise<RowOutcome> {
  const { shown, stored } = await generatedPasswords(row.form);
  const validated = validateUserForm(row.form, domain, stored);
  if (!validated.ok) return { status: 'failed', message: 'The row no longer validates; run the dry run again.', calls: 0, retries: 0 };
  const SecretId = userSecretId(serverId, row.username);
  let calls = 0;
  try {
    const { retries } = await withBackoff(async () => {
      calls++;
      return client.send(
        new CreateSecretCommand({
          Name: SecretId,
          SecretString: serializeUserSecret(validated.input),
          ClientRequestToken: row.token,
          Description: `Transfer user ${row.username} of ${serverId}, managed by Transfer Desk (import ${importId})`,
          Tags: [
            { Key: TAG_MANAGED, Value: 'true' },
            { Key: TAG_IMPORT, Value: importId },
            { Key: TAG_IMPORT_ROW, Value: String(row.row) },
            ...(validated.input.PosixProfile ? [{ Key: TAG_UID, Value: String(validated.input.PosixProfile.Uid) }] : []),
          ],
        }),
      );
    });
    return { status: 'created', passwords: shown, calls, retries };
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceExistsException') {
      // Ours if this import's token is one of its versions or its tag names this import.
      const { value: described } = await withBackoff(() => {
        calls++;
        return bulkSecretsManager().send(new DescribeSecretCommand({ SecretId }));
      });
      const ours =
        Object.hasOwn(described.VersionIdsToStages ?? {}, row.token) ||
        (described.Tags ?? []).some((t) => t.Key === TAG_IMPORT && t.Value === importId);
      return { status: ours ? 'already-created' : 'skipped-existing', calls, retries: 0 };
    }
    if (err instanceof Error && err.name === 'InvalidRequestException') {
      return {
        status: 'failed',
        message: `${row.username} was deleted and is still in its recovery window: restore it, or rename the row.`,
        calls,
        retries: 0,
      };
    }
    return {
      status: 'failed',
      message: `Not created (${err instanceof Error ? err.name : 'unknown error'}); run the import again to retry this row.`,
      calls,
      retries: 0,
    };
  }
}

/**
 * The file's UIDs are the admin's explicit choice; the server's UID counter is raised above the
 * highest of them once, so the console never suggests one of them to the next Create user. Best
 * effort: the user index also keeps suggestions above every UID it knows.
 */
async function raiseUidCounter(serverId: string, rows: ApplicableRow[]): Promise<void> {
  const uids = rows
    .map((row) => (String(row.form.uid).trim() === '' ? NaN : Number(row.form.uid)))
    .filter((uid) => Number.isInteger(uid) && uid >= 0);
  if (uids.length === 0) return;
  try {
    await reserveUid(serverId, Math.max(...uids), { suggested: false });
  } catch (err) {
    console.error(JSON.stringify({ level: 'error', event: 'import-uid-counter-not-raised', serverId, error: errorName(err) }));
  }
}

export type ApplyOptions = { concurrency?: number; createsPerSecond?: number };

/**
 * Re-runs the dry run on the same file and, if it is the import the admin confirmed, starts writing
 * it in the background. Returns the job at once; `importStatus` follows it.
 */
export async function startImport(
  serverId: string,
  fileName: string,
  text: string,
  confirmedImportId: string,
  actor: Actor,
  options: ApplyOptions = {},
): Promise<{ job: ImportJob; done: Promise<ImportJob> }> {
  const server = await requireManageableServer(serverId);
  const { dryRun, applicable } = await planImport(serverId, fileName, text);
  if (dryRun.importId !== confirmedImportId)
    throw new ConsoleError('The file is not the one whose dry run was confirmed. Run the dry run again. Nothing was written.');
  // An earlier run of the same file: passwords still waiting move to this run (still delivered once);
  // users whose passwords were lost stay listed for a reset. Read before the check below, so nothing
  // awaits between finding no running job and registering this one.
  const onDisk = registry.has(dryRun.importId) ? null : await importJob(serverId, dryRun.importId);
  const running = registry.get(dryRun.importId);
  if (running && running.job.state === 'running') return { job: publicJob(running), done: running.done };
  // Another console process runs this file now: a second run would be safe (row tokens) but would race it
  // and split the passwords between two processes, so it is refused until that run ends or stops.
  if (onDisk?.source === 'elsewhere' && onDisk.job.state === 'running')
    throw new ConsoleError(
      `This file is being imported by another console process (started by ${onDisk.job.actor} at ${onDisk.job.startedAt}). Its progress shows on this page; run the file again only if that import stops. Nothing was written.`,
    );
  const earlier = running ? null : onDisk;
  const carried = running?.passwords.splice(0) ?? [];
  if (running?.passwordsTimer) clearTimeout(running.passwordsTimer);
  const lostEarlier = running
    ? [...running.job.passwordsLostEarlier, ...(running.job.passwordsLost ? running.job.passwordsFor : [])]
    : (earlier?.needReset ?? []);
  const job: ImportJob = {
    importId: dryRun.importId,
    serverId,
    fileName,
    actor: actor.username,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    state: 'running',
    total: dryRun.summary.total,
    counts: { created: 0, 'already-created': 0, 'skipped-existing': 0, failed: 0 },
    results: dryRun.rows.map((r) =>
      r.errors.length
        ? {
            row: r.row,
            username: r.username,
            status: 'failed',
            message: `Not imported: ${r.errors.map((e) => `${e.column}: ${e.message}`).join(' ')}`,
          }
        : { row: r.row, username: r.username, status: 'pending' },
    ),
    passwordsWaiting: false,
    passwordsDownloaded: false,
    passwordsFor: [...new Set(carried.map((line) => line.username))],
    passwordsLost: false,
    passwordsLostEarlier: [...new Set(lostEarlier)],
    generatedSlots: { ...(running?.job.generatedSlots ?? earlier?.job.generatedSlots ?? {}) },
    awsCalls: 0,
    retries: 0,
  };
  job.counts.failed = dryRun.summary.invalid;
  const record = register(job, carried);
  // The file exists before the first row is written, so a crash at any point leaves a record of the run.
  await record.file.flush();
  record.file.startHeartbeat();
  record.done = runImport(record, server, dryRun, applicable, actor, options);
  return { job: publicJob(record), done: record.done };
}

async function runImport(
  record: JobRecord,
  server: ServerSummary,
  dryRun: DryRun,
  applicable: ApplicableRow[],
  actor: Actor,
  options: ApplyOptions,
): Promise<ImportJob> {
  const { job } = record;
  const resultIndex = new Map(job.results.map((r, i) => [r.row, i]));
  const finish = (row: ApplicableRow, outcome: RowOutcome) => {
    job.results[resultIndex.get(row.row)!] = {
      row: row.row,
      username: row.username,
      status: outcome.status,
      message: outcome.message ?? statusMessages[outcome.status as keyof typeof statusMessages],
    };
    job.counts[outcome.status]++;
    job.awsCalls += outcome.calls;
    job.retries += outcome.retries;
    record.file.changed();
  };
  // One user.create record per user, written 100 to a PutLogEvents call as the rows finish.
  const audit = auditBatcher(actor);
  try {
    // Rows an earlier run already created are known from AWS itself: no call, no hashing for them.
    const earlier = await usersOfImport(job.serverId, job.importId);
    await raiseUidCounter(job.serverId, applicable);
    const creates = rateLimiter(options.createsPerSecond ?? DEFAULT_CREATES_PER_SECOND);
    const client = pacedSecretsManager({ CreateSecretCommand: creates }, (attempt) => {
      if (attempt === 1) return;
      job.awsCalls++;
      job.retries++;
    });
    await forEachBounded(applicable, options.concurrency ?? DEFAULT_CONCURRENCY, async (row) => {
      if (earlier.has(row.username)) return finish(row, { status: 'already-created', calls: 0, retries: 0 });
      let outcome: RowOutcome;
      try {
        outcome = await createRow(job.serverId, server.domain, job.importId, row, client);
        // The user index (users list, UID suggestions) learns of the row at its next use.
        noteUserChanged(job.serverId, row.username);
      } catch (err) {
        outcome = {
          status: 'failed',
          message: `Not created (${err instanceof Error ? err.name : 'unknown error'}); run the import again to retry this row.`,
          calls: 1,
          retries: 0,
        };
      }
      if (outcome.status === 'created') {
        for (const [slot, password] of Object.entries(outcome.passwords ?? {})) {
          if (password) record.passwords.push({ username: row.username, slot: slot === 'main' ? 'password' : `${slot} password`, password });
        }
        const slots = Object.entries(outcome.passwords ?? {})
          .filter(([, password]) => Boolean(password))
          .map(([slot]) => slot as PasswordSlot);
        if (slots.length) {
          job.passwordsFor.push(row.username);
          job.generatedSlots[row.username] = slots;
        }
        audit.add({
          action: 'user.create',
          serverId: job.serverId,
          username: row.username,
          details: {
            importId: job.importId,
            importRow: row.row,
            authMethods: [...(outcome.passwords?.main ? ['password'] : []), ...(row.form.publicKeys.trim() ? ['keys'] : [])],
          },
        });
      }
      finish(row, outcome);
    });
  } finally {
    await audit.close();
    job.state = 'finished';
    job.finishedAt = new Date().toISOString();
    await recordAudit(actor, 'users.import', job.serverId, '', {
      importId: job.importId,
      format: dryRun.format,
      rows: job.total,
      created: job.counts.created,
      alreadyCreated: job.counts['already-created'],
      skippedExisting: job.counts['skipped-existing'],
      failed: job.counts.failed,
    });
    if (record.passwords.length > 0) {
      record.passwordsTimer = setTimeout(() => discardPasswords(job.importId), PASSWORDS_KEPT_MS);
      record.passwordsTimer.unref();
    }
    record.file.stopHeartbeat();
    await record.file.flush();
  }
  return publicJob(record);
}

function discardPasswords(importId: string): void {
  const record = registry.get(importId);
  if (!record) return;
  if (record.passwords.length > 0 && !record.job.passwordsDownloaded) {
    record.job.passwordsLost = true;
    record.file.changed();
  }
  record.passwords.length = 0;
  if (record.passwordsTimer) clearTimeout(record.passwordsTimer);
  record.passwordsTimer = null;
}

/** The job's progress in this process, or null when this process never ran it (see importJob). */
export function importStatus(importId: string): ImportJob | null {
  const record = registry.get(importId);
  return record ? publicJob(record) : null;
}

export type ImportJobView = {
  job: ImportJob;
  /** `process`: this console runs or ran it; `elsewhere`: another console process runs it now; `file`: known from its job file only. */
  source: 'process' | 'elsewhere' | 'file';
  /** Users created with a generated password that was never delivered and is now lost: they need a password reset. */
  needReset: string[];
  /** Set when the job's file could not be written (the view would not survive a restart). */
  persistError: string | null;
};

function fromFile(stored: StoredJob<ImportJob>): ImportJobView {
  const elsewhere = stored.liveness === 'running-elsewhere';
  const passwordsFor = stored.job.passwordsFor ?? [];
  const lostEarlier = stored.job.passwordsLostEarlier ?? [];
  // Passwords live only in the memory of the process that made them, for PASSWORDS_KEPT_MS after the end.
  const expired = stored.job.finishedAt !== null && Date.now() - Date.parse(stored.job.finishedAt) > PASSWORDS_KEPT_MS;
  const lost = !stored.job.passwordsDownloaded && passwordsFor.length > 0 && (stored.ownerGone || stored.job.passwordsLost || expired);
  const job: ImportJob = {
    ...stored.job,
    state: stored.liveness === 'interrupted' ? 'interrupted' : stored.job.state,
    passwordsFor,
    passwordsLostEarlier: lostEarlier,
    generatedSlots: stored.job.generatedSlots ?? {},
    passwordsLost: lost,
    passwordsWaiting: lost ? false : stored.job.passwordsWaiting,
  };
  return {
    job,
    source: elsewhere || !stored.ownerGone ? 'elsewhere' : 'file',
    needReset: [...new Set([...lostEarlier, ...(lost ? passwordsFor : [])])],
    persistError: null,
  };
}

/** The import as this process knows it, else as its job file says (after a restart: interrupted, with its counts). */
export async function importJob(serverId: string, importId: string): Promise<ImportJobView | null> {
  const record = registry.get(importId);
  if (record) {
    if (record.job.serverId !== serverId) return null;
    return {
      job: publicJob(record),
      source: 'process',
      needReset: [...new Set([...record.job.passwordsLostEarlier, ...(record.job.passwordsLost ? record.job.passwordsFor : [])])],
      persistError: record.file.lastError,
    };
  }
  const stored = await readJobFile<ImportJob>('import', jobKey(serverId, importId));
  return stored && stored.job.serverId === serverId ? fromFile(stored) : null;
}

/** This server's recent imports (this process's and those on disk), newest first. */
export async function recentImports(serverId: string, limit = 10): Promise<ImportJobView[]> {
  const stored = await listJobFiles<ImportJob>('import', `${serverId}-`, limit);
  const views = new Map<string, ImportJobView>();
  for (const s of stored) if (s.job.serverId === serverId) views.set(s.job.importId, fromFile(s));
  for (const [id, record] of registry) if (record.job.serverId === serverId) views.set(id, (await importJob(serverId, id))!);
  return [...views.values()].sort((a, b) => (a.job.startedAt < b.job.startedAt ? 1 : -1)).slice(0, limit);
}

/** Forgets every job this process holds, as a restart would (tests). Runs still going no longer write their files. */
export function forgetImportsInMemory(): void {
  for (const record of registry.values()) {
    record.file.stopHeartbeat();
    if (record.passwordsTimer) clearTimeout(record.passwordsTimer);
  }
  registry.clear();
}

/**
 * The generated passwords as CSV (user name, which password, password, how to connect), handed out
 * once: the server forgets them as it returns them. Null when there are none (or they were taken).
 */
export async function takeImportPasswords(serverId: string, importId: string): Promise<string | null> {
  const record = registry.get(importId);
  if (!record || record.job.serverId !== serverId || record.job.state === 'running' || record.passwords.length === 0) return null;
  const lines = record.passwords.splice(0, record.passwords.length);
  record.job.passwordsDownloaded = true;
  discardPasswords(importId);
  await record.file.flush();
  const server = (await getServer(serverId)) ?? { serverId, localEndpoint: null };
  return stringify(
    [['username', 'which', 'password', 'connect'], ...lines.map((l) => [l.username, l.slot, l.password, connectionInstructions(server, l.username)])],
    { record_delimiter: '\n' },
  );
}

/** Takes a job known from its file into this process (to hold the new passwords of a reset until their download). */
function adopt(job: ImportJob): JobRecord {
  return register(structuredClone(job), []);
}

/** Registers a run in this process with its job file (written only while the run stays registered). */
function register(job: ImportJob, passwords: PasswordLine[]): JobRecord {
  const record = { job, passwords, passwordsTimer: null, done: Promise.resolve(job) } as Omit<JobRecord, 'file'> as JobRecord;
  record.file = new JobFile(
    'import',
    jobKey(job.serverId, job.importId),
    () => storedJob(record),
    () => registry.get(job.importId) === record,
  );
  registry.set(job.importId, record);
  return record;
}

export type LostPasswordsReset = { reset: string[]; failed: { username: string; message: string }[] };

/**
 * Resets the passwords of the users this import created whose generated passwords were lost
 * undelivered (the list comes from the job, never from the request): each through the users'
 * own reset (`resetPassword`: one write and one audit record each, a hash stays a hash), the new
 * passwords kept in memory for one download, as the import's were.
 */
export async function resetLostPasswords(serverId: string, importId: string, actor: Actor): Promise<LostPasswordsReset> {
  await requireManageableServer(serverId);
  const view = await importJob(serverId, importId);
  if (!view) throw new ConsoleError('This console has no record of that import. Nothing was changed.');
  if (view.job.state === 'running') throw new ConsoleError('The import is still running; reset its users once it has ended. Nothing was changed.');
  if (view.needReset.length === 0) throw new ConsoleError('No user of this import is waiting for a new password. Nothing was changed.');
  const record = registry.get(importId) ?? adopt(view.job);
  const { job } = record;
  const result: LostPasswordsReset = { reset: [], failed: [] };
  await forEachBounded(view.needReset, 4, async (username) => {
    try {
      const slots = job.generatedSlots[username];
      const { passwords } = await resetPassword(serverId, username, actor, {
        passwords: slots?.length ? slots : undefined,
        reason: `Import ${importId}: its generated password was never delivered`,
      });
      for (const [slot, password] of Object.entries(passwords)) {
        if (password) record.passwords.push({ username, slot: slotLabel(slot as PasswordSlot), password });
      }
      result.reset.push(username);
    } catch (err) {
      result.failed.push({ username, message: err instanceof ConsoleError ? err.message : `Not reset (${errorName(err)}); try again.` });
    }
  });
  // Whoever is still without a password stays listed; those reset wait for the download like an import's.
  const stillLost = view.needReset.filter((name) => !result.reset.includes(name));
  job.passwordsFor = [...new Set([...(job.passwordsLost ? [] : job.passwordsFor), ...result.reset])];
  job.passwordsLostEarlier = stillLost;
  job.passwordsLost = false;
  job.passwordsDownloaded = false;
  if (record.passwordsTimer) clearTimeout(record.passwordsTimer);
  if (record.passwords.length > 0) {
    record.passwordsTimer = setTimeout(() => discardPasswords(importId), PASSWORDS_KEPT_MS);
    record.passwordsTimer.unref();
  }
  await record.file.flush();
  return result;
}
