// The audit trail: who changed which user, when and how, in CloudWatch Logs. Never a secret value.
// A record is retried with back-off; if CloudWatch still refuses it, it waits in a durable local
// spool (audit-spool.ts) and is written by a later audit write or a read of the trail, and the
// action's result says its record is queued. Each record carries an id, so a write AWS applied but
// did not confirm, sent again, is shown once.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import { aws } from '../aws/clients';
import type { Actor } from '../auth/roles';
import { drainSpool, spoolRecord } from './audit-spool';
import { errorName } from './errors';
import { getServer } from './servers';

export const AUDIT_LOG_GROUP = process.env.AUDIT_LOG_GROUP ?? '/transfer-desk/audit';

export const AUDIT_ACTIONS = [
  'user.create',
  'user.update',
  'user.reset-password',
  'user.disable',
  'user.enable',
  'user.delete',
  'user.restore',
  'user.test-login',
  'users.import',
  'user.upgrade-password',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One non-secret field's old and new value as shown to people; null when absent. */
export type AuditChange = { field: string; from: string | null; to: string | null };

export type AuditRecord = {
  id?: string;
  time: string;
  actor: string;
  actorRole: string;
  action: AuditAction;
  serverId: string;
  username: string;
  details?: Record<string, string | number | boolean | string[]>;
  changes?: AuditChange[];
};

/** Whether the record is in the trail, waiting in the spool, or (disk failing too) only in the server log. */
export type AuditOutcome = 'written' | 'queued' | 'lost';

export const AUDIT_NOTICES: Readonly<Record<Exclude<AuditOutcome, 'written'>, string>> = {
  queued:
    'The audit record of this change could not be written to CloudWatch Logs yet; it is queued on the console server and will be written automatically.',
  lost: 'The audit record of this change could not be written or queued; the server log names the change. Tell your administrator.',
};

export const auditNotice = (outcome: AuditOutcome): string[] => (outcome === 'written' ? [] : [AUDIT_NOTICES[outcome]]);

const ensured = new Set<string>();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const AUDIT_ATTEMPTS = Number(process.env.AUDIT_WRITE_ATTEMPTS ?? 3);

async function ensureStream(stream: string): Promise<void> {
  if (ensured.has(stream)) return;
  const logs = aws().logs;
  await logs.send(new CreateLogGroupCommand({ logGroupName: AUDIT_LOG_GROUP })).catch((err: Error) => {
    if (err.name !== 'ResourceAlreadyExistsException') throw err;
  });
  await logs.send(new CreateLogStreamCommand({ logGroupName: AUDIT_LOG_GROUP, logStreamName: stream })).catch((err: Error) => {
    if (err.name !== 'ResourceAlreadyExistsException') throw err;
  });
  ensured.add(stream);
}

/** One record into the day's stream of its own time; throws if CloudWatch does not take it. */
async function putRecord(body: string): Promise<void> {
  const record = JSON.parse(body) as AuditRecord;
  const stream = record.time.slice(0, 10);
  try {
    await ensureStream(stream);
    await aws().logs.send(
      new PutLogEventsCommand({
        logGroupName: AUDIT_LOG_GROUP,
        logStreamName: stream,
        logEvents: [{ timestamp: Date.parse(record.time), message: body }],
      }),
    );
  } catch (err) {
    ensured.delete(stream);
    throw err;
  }
}

let draining: Promise<unknown> | null = null;

/** Writes what the spool holds; one drain at a time in this process (claims guard across processes). */
export async function flushAuditSpool(): Promise<{ sent: number; left: number }> {
  while (draining) await draining.catch(() => undefined);
  const run = drainSpool(putRecord);
  draining = run;
  try {
    return await run;
  } finally {
    draining = null;
  }
}

export async function recordAudit(
  actor: Actor,
  action: AuditAction,
  serverId: string,
  username: string,
  details?: AuditRecord['details'],
  changes?: AuditChange[],
): Promise<AuditOutcome> {
  const record: AuditRecord = {
    id: randomUUID(),
    time: new Date().toISOString(),
    actor: actor.username,
    actorRole: actor.role,
    action,
    serverId,
    username,
    ...(details ? { details } : {}),
    ...(changes?.length ? { changes } : {}),
  };
  const body = JSON.stringify(record);
  let failure: unknown;
  for (let attempt = 1; attempt <= AUDIT_ATTEMPTS; attempt++) {
    try {
      await putRecord(body);
      // Older records waiting in the spool go out behind this one; their failure is not this action's.
      await flushAuditSpool().catch(() => undefined);
      return 'written';
    } catch (err) {
      failure = err;
      if (attempt < AUDIT_ATTEMPTS) await pause(100 * 3 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }
  try {
    await spoolRecord(record.id!, record.time, body);
    console.error(
      JSON.stringify({ level: 'error', event: 'audit-write-queued', id: record.id, action, serverId, username, error: errorName(failure) }),
    );
    return 'queued';
  } catch (spoolErr) {
    console.error(
      JSON.stringify({
        level: 'error',
        event: 'audit-write-lost',
        id: record.id,
        action,
        serverId,
        username,
        error: errorName(failure),
        spoolError: errorName(spoolErr),
      }),
    );
    return 'lost';
  }
}

/**
 * Several records in one PutLogEvents, so a bulk job writes one record per user without one call per
 * user. A batch CloudWatch refuses falls back to recordAudit for each record: its retries and spool.
 */
/**
 * Collects a bulk job's per-user records and writes them `size` to a PutLogEvents call as they come
 * (one call per user would go through the shared adaptive client, which throttling slows). `close`
 * writes the rest and waits for every batch; batches never reject (recordAuditBatch retries a refused
 * batch record by record and spools what still fails).
 */
export function auditBatcher(actor: Actor, size = 100): { add(entry: AuditBatchEntry): void; close(): Promise<void> } {
  const writes: Promise<unknown>[] = [];
  let buffer: AuditBatchEntry[] = [];
  const flush = () => {
    if (buffer.length === 0) return;
    writes.push(recordAuditBatch(actor, buffer));
    buffer = [];
  };
  return {
    add(entry) {
      buffer.push(entry);
      if (buffer.length >= size) flush();
    },
    async close() {
      flush();
      await Promise.all(writes);
    },
  };
}

export type AuditBatchEntry = { action: AuditAction; serverId: string; username: string; details?: AuditRecord['details'] };

export async function recordAuditBatch(actor: Actor, entries: AuditBatchEntry[]): Promise<AuditOutcome[]> {
  if (entries.length === 0) return [];
  const time = new Date().toISOString();
  const records: AuditRecord[] = entries.map((entry) => ({
    id: randomUUID(),
    time,
    actor: actor.username,
    actorRole: actor.role,
    action: entry.action,
    serverId: entry.serverId,
    username: entry.username,
    ...(entry.details ? { details: entry.details } : {}),
  }));
  const stream = time.slice(0, 10);
  try {
    await ensureStream(stream);
    await aws().logs.send(
      new PutLogEventsCommand({
        logGroupName: AUDIT_LOG_GROUP,
        logStreamName: stream,
        logEvents: records.map((record) => ({ timestamp: Date.parse(time), message: JSON.stringify(record) })),
      }),
    );
    return records.map(() => 'written');
  } catch {
    ensured.delete(stream);
    const outcomes: AuditOutcome[] = [];
    for (const entry of entries) outcomes.push(await recordAudit(actor, entry.action, entry.serverId, entry.username, entry.details));
    return outcomes;
  }
}

/**
 * Filters match a part of the value, ignoring case: `text` anywhere in the record, `server` the
 * server's id or name, `username` and `actor` the names. `action` is exact.
 */
export type AuditFilter = {
  text?: string;
  serverId?: string;
  server?: string;
  username?: string;
  actor?: string;
  action?: string;
  from?: Date;
  to?: Date;
};

export const AUDIT_PAGE_SIZE = 100;
const MAX_SCANNED_PAGES = 50;

const contains = (value: string | undefined | null, part: string) => (value ?? '').toLowerCase().includes(part.toLowerCase());

function readRecord(message: string | undefined): AuditRecord | null {
  try {
    const record = JSON.parse(message ?? '') as AuditRecord;
    return typeof record === 'object' && record !== null && typeof record.time === 'string' && typeof record.action === 'string' ? record : null;
  } catch {
    return null;
  }
}

/**
 * The newest matching records first. CloudWatch Logs returns events oldest first and its filter
 * patterns match exactly, so the pages are read up to a bound, filtered here, and the newest
 * AUDIT_PAGE_SIZE kept; `olderThan` continues further back.
 */
export async function listAudit(filter: AuditFilter = {}): Promise<{ records: AuditRecord[]; olderThan: string | null; queued: number }> {
  const { left: queued } = await flushAuditSpool().catch(() => ({ left: -1 }));
  const server = filter.server?.trim() || filter.serverId?.trim() || '';
  const serverNames = new Map<string, Promise<string | null>>();
  const serverName = (id: string) => {
    if (!serverNames.has(id))
      serverNames.set(
        id,
        getServer(id).then(
          (s) => s?.name ?? null,
          () => null,
        ),
      );
    return serverNames.get(id)!;
  };
  const matches = async (record: AuditRecord) =>
    (!filter.action || record.action === filter.action) &&
    (!filter.username?.trim() || contains(record.username, filter.username.trim())) &&
    (!filter.actor?.trim() || contains(record.actor, filter.actor.trim())) &&
    (!filter.text?.trim() || contains(JSON.stringify(record), filter.text.trim())) &&
    (!server || contains(record.serverId, server) || contains(await serverName(record.serverId), server));

  const records: AuditRecord[] = [];
  const seen = new Set<string>();
  let scanned = 0;
  try {
    const pages = paginateFilterLogEvents(
      { client: aws().logs },
      {
        logGroupName: AUDIT_LOG_GROUP,
        ...(filter.from ? { startTime: filter.from.getTime() } : {}),
        ...(filter.to ? { endTime: filter.to.getTime() } : {}),
      },
    );
    for await (const page of pages) {
      for (const event of page.events ?? []) {
        const record = readRecord(event.message);
        if (!record) continue;
        if (record.id) {
          if (seen.has(record.id)) continue;
          seen.add(record.id);
        }
        if (await matches(record)) records.push(record);
      }
      if (records.length > AUDIT_PAGE_SIZE) records.splice(0, records.length - AUDIT_PAGE_SIZE - 1);
      if (++scanned >= MAX_SCANNED_PAGES) break;
    }
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceNotFoundException') return { records: [], olderThan: null, queued: Math.max(queued, 0) };
    throw err;
  }
  records.sort((a, b) => a.time.localeCompare(b.time));
  const more = records.length > AUDIT_PAGE_SIZE;
  const newest = records.slice(-AUDIT_PAGE_SIZE).reverse();
  return { records: newest, olderThan: more ? newest.at(-1)!.time : null, queued: Math.max(queued, 0) };
}
