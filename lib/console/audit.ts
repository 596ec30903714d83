// The audit trail: who changed which user, when and how, in CloudWatch Logs. Never a secret value.
import 'server-only';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  paginateFilterLogEvents,
} from '@aws-sdk/client-cloudwatch-logs';
import { aws } from '../aws/clients';
import type { Actor } from '../auth/roles';

export const AUDIT_LOG_GROUP = process.env.AUDIT_LOG_GROUP ?? '/transfer-desk/audit';

export type AuditAction =
  | 'user.create'
  | 'user.update'
  | 'user.reset-password'
  | 'user.disable'
  | 'user.enable'
  | 'user.delete'
  | 'user.restore'
  | 'user.test-login'
  | 'users.import'
  | 'user.upgrade-password';

export type AuditRecord = {
  time: string;
  actor: string;
  actorRole: string;
  action: AuditAction;
  serverId: string;
  username: string;
  details?: Record<string, string | number | boolean | string[]>;
};

const ensured = new Set<string>();

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

export async function recordAudit(actor: Actor, action: AuditAction, serverId: string, username: string, details?: AuditRecord['details']): Promise<void> {
  const now = new Date();
  const record: AuditRecord = { time: now.toISOString(), actor: actor.username, actorRole: actor.role, action, serverId, username, ...(details ? { details } : {}) };
  const stream = now.toISOString().slice(0, 10);
  try {
    await ensureStream(stream);
    await aws().logs.send(new PutLogEventsCommand({ logGroupName: AUDIT_LOG_GROUP, logStreamName: stream, logEvents: [{ timestamp: now.getTime(), message: JSON.stringify(record) }] }));
  } catch (err) {
    ensured.delete(stream);
    // The change itself is done; losing its audit line is reported loudly but does not undo it.
    console.error(JSON.stringify({ level: 'error', event: 'audit-write-failed', action, serverId, username, error: err instanceof Error ? err.name : 'UnknownError' }));
  }
}

/** Several records in one PutLogEvents (bulk jobs: one record per user without one call per user). */
export async function recordAuditBatch(actor: Actor, entries: { action: AuditAction; serverId: string; username: string; details?: AuditRecord['details'] }[]): Promise<void> {
  if (entries.length === 0) return;
  const now = new Date();
  const stream = now.toISOString().slice(0, 10);
  const logEvents = entries.map((entry) => ({
    timestamp: now.getTime(),
    message: JSON.stringify({ time: now.toISOString(), actor: actor.username, actorRole: actor.role, action: entry.action, serverId: entry.serverId, username: entry.username, ...(entry.details ? { details: entry.details } : {}) } satisfies AuditRecord),
  }));
  try {
    await ensureStream(stream);
    await aws().logs.send(new PutLogEventsCommand({ logGroupName: AUDIT_LOG_GROUP, logStreamName: stream, logEvents }));
  } catch (err) {
    ensured.delete(stream);
    console.error(JSON.stringify({ level: 'error', event: 'audit-write-failed', action: entries[0]!.action, serverId: entries[0]!.serverId, records: entries.length, error: err instanceof Error ? err.name : 'UnknownError' }));
  }
}

export type AuditFilter = { serverId?: string; username?: string; actor?: string; action?: string; from?: Date; to?: Date };

export const AUDIT_PAGE_SIZE = 100;
const MAX_SCANNED_PAGES = 50;

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '')}"`;
}

/**
 * The newest matching records first. CloudWatch Logs returns events oldest first, so the pages are
 * read up to a bound and the newest AUDIT_PAGE_SIZE kept; `olderThan` continues further back.
 */
export async function listAudit(filter: AuditFilter = {}): Promise<{ records: AuditRecord[]; olderThan: string | null }> {
  const clauses = (['serverId', 'username', 'actor', 'action'] as const)
    .filter((key) => filter[key])
    .map((key) => `$.${key} = ${quote(filter[key]!)}`);
  const records: AuditRecord[] = [];
  let scanned = 0;
  try {
    const pages = paginateFilterLogEvents(
      { client: aws().logs },
      {
        logGroupName: AUDIT_LOG_GROUP,
        ...(clauses.length ? { filterPattern: `{ ${clauses.join(' && ')} }` } : {}),
        ...(filter.from ? { startTime: filter.from.getTime() } : {}),
        ...(filter.to ? { endTime: filter.to.getTime() } : {}),
      },
    );
    for await (const page of pages) {
      for (const event of page.events ?? []) {
        try {
          records.push(JSON.parse(event.message ?? '') as AuditRecord);
        } catch {
          // Not one of ours; skip it.
        }
      }
      if (records.length > AUDIT_PAGE_SIZE) records.splice(0, records.length - AUDIT_PAGE_SIZE - 1);
      if (++scanned >= MAX_SCANNED_PAGES) break;
    }
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceNotFoundException') return { records: [], olderThan: null };
    throw err;
  }
  const more = records.length > AUDIT_PAGE_SIZE;
  const newest = records.slice(-AUDIT_PAGE_SIZE).reverse();
  return { records: newest, olderThan: more ? newest.at(-1)!.time : null };
}
