// Login records: the identity-provider Lambda's one JSON line per login, read back from its CloudWatch
// Logs group. The same code reads AWS and the local stack, which writes the same lines locally.
import 'server-only';
import { paginateFilterLogEvents, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { z } from 'zod';
import { aws } from '../aws/clients';
import { REASON_CODES } from '../idp/decide-login';
import { USERNAME_PATTERN } from '../secret/contract';
import { ConsoleError } from './errors';

/** The Lambda's log group; `LOGIN_LOG_GROUP` overrides it (on AWS: `/aws/lambda/<function name>`). */
export const DEFAULT_LOGIN_LOG_GROUP = '/aws/lambda/transfer-desk-idp';
export const loginLogGroup = () => process.env.LOGIN_LOG_GROUP || DEFAULT_LOGIN_LOG_GROUP;

/** Reasons the Lambda logs beyond the decision's own, and the one the SFTP endpoint adds for a key it did not find. */
export const EXTRA_REASONS = ['USER_PENDING_DELETION', 'SECRETS_MANAGER_ERROR', 'INTERNAL_ERROR', 'PUBLIC_KEY_NOT_ON_FILE'] as const;
export const LOGIN_REASONS = [...REASON_CODES, ...EXTRA_REASONS] as const;
export type LoginReason = (typeof LOGIN_REASONS)[number] | 'UNKNOWN';

const PROTOCOL_VALUES = ['SFTP', 'FTP', 'FTPS', 'AS2'] as const;

/** Only the known, safe fields survive: anything else a line carries is dropped. */
const loginLine = z.object({
  event: z.literal('login'),
  decision: z.enum(['allow', 'deny']),
  reason: z
    .string()
    .max(64)
    .transform((r): LoginReason => ((LOGIN_REASONS as readonly string[]).includes(r) ? (r as LoginReason) : 'UNKNOWN')),
  serverId: z.string().max(64).nullable().catch(null),
  username: z.string().max(128).nullable().catch(null),
  protocol: z.enum(PROTOCOL_VALUES).nullable().catch(null),
  sourceIp: z.string().max(64).nullable().catch(null),
  method: z.enum(['password', 'publickey']).nullable().catch(null),
  requestId: z.string().max(64).nullable().optional().catch(null),
  coldStart: z.boolean().optional().catch(undefined),
  latencyMs: z.number().finite().nonnegative().optional().catch(undefined),
  errorName: z
    .string()
    .max(128)
    .regex(/^[\w.:-]*$/)
    .optional()
    .catch(undefined),
  keyFingerprint: z
    .string()
    .max(100)
    .regex(/^SHA256:[A-Za-z0-9+/]+$/)
    .optional()
    .catch(undefined),
});

export type LoginRecord = {
  /** CloudWatch's event id: stable, unique within the group. */
  id: string;
  time: string;
  decision: 'allow' | 'deny';
  reason: LoginReason;
  serverId: string | null;
  username: string | null;
  protocol: (typeof PROTOCOL_VALUES)[number] | null;
  sourceIp: string | null;
  method: 'password' | 'publickey' | null;
  requestId: string | null;
  coldStart: boolean | null;
  latencyMs: number | null;
  errorName: string | null;
  keyFingerprint: string | null;
};

/** One log event as a record, or null when the line is not a login line or not readable. */
export function parseLoginEvent(event: Pick<FilteredLogEvent, 'eventId' | 'timestamp' | 'message'>): LoginRecord | null {
  if (typeof event.message !== 'string' || typeof event.timestamp !== 'number' || !Number.isFinite(event.timestamp)) return null;
  let raw: unknown;
  try {
    // Lambda's runtime may prefix a line (timestamp, request id, level) before the JSON.
    const start = event.message.indexOf('{');
    if (start < 0) return null;
    raw = JSON.parse(event.message.slice(start));
  } catch {
    return null;
  }
  const parsed = loginLine.safeParse(raw);
  if (!parsed.success) return null;
  const line = parsed.data;
  const time = new Date(event.timestamp);
  if (Number.isNaN(time.getTime())) return null;
  return {
    id: event.eventId ?? `${event.timestamp}`,
    time: time.toISOString(),
    decision: line.decision,
    reason: line.reason,
    serverId: line.serverId,
    username: line.username,
    protocol: line.protocol,
    sourceIp: line.sourceIp,
    method: line.method,
    requestId: line.requestId ?? null,
    coldStart: line.coldStart ?? null,
    latencyMs: line.latencyMs ?? null,
    errorName: line.errorName ?? null,
    keyFingerprint: line.keyFingerprint ?? null,
  };
}

/** A filter-pattern string value: user names and server ids are plain, but quote whatever comes. */
const quoted = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;

/** CloudWatch caps a filter pattern at 1,024 characters. */
export const FILTER_PATTERN_MAX = 1024;

export function loginFilterPattern(serverId: string, usernames: readonly string[] = [], extra: string[] = []): string {
  const clauses = [`$.event = "login"`, `$.serverId = ${quoted(serverId)}`, ...extra];
  if (usernames.length === 1) clauses.push(`$.username = ${quoted(usernames[0]!)}`);
  else if (usernames.length > 1) clauses.push(`(${usernames.map((u) => `$.username = ${quoted(u)}`).join(' || ')})`);
  return `{ ${clauses.join(' && ')} }`;
}

export type LoginRecordQuery = {
  serverId: string;
  username?: string;
  /** Oldest time to look at; default 90 days before `until`. */
  since?: Date;
  until?: Date;
  limit?: number;
  nextToken?: string;
  /** Only allowed (or only refused) logins. */
  decision?: 'allow' | 'deny';
};

export type LoginRecordPage = { records: LoginRecord[]; nextToken: string | null };

export const DEFAULT_HISTORY_DAYS = 90;
const DAY = 86_400_000;
/** The first window looked at; it grows fourfold while it holds fewer records than asked for. */
const FIRST_WINDOW_MS = 60 * 60 * 1000;

const cursorSchema = z.object({ t: z.number().int(), ids: z.array(z.string().max(128)).max(1000) });
type Cursor = z.infer<typeof cursorSchema>;

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

export class InvalidLoginCursorError extends ConsoleError {
  constructor() {
    super('The history page token is not valid; reload the page to start from the newest attempts.');
    this.name = 'InvalidLoginCursorError';
  }
}

/** A name CloudWatch would read as a pattern (`*`, quotes) can never be a Transfer user: it has no history. */
const filterableName = (name: string) => USERNAME_PATTERN.test(name);

function decodeCursor(token: string): Cursor {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidLoginCursorError();
  }
}

async function readWindow(logGroupName: string, filterPattern: string, startTime: number, endTime: number): Promise<LoginRecord[]> {
  const records: LoginRecord[] = [];
  const pages = paginateFilterLogEvents({ client: aws().logs }, { logGroupName, filterPattern, startTime, endTime, limit: 10_000 });
  try {
    for await (const page of pages) {
      for (const event of page.events ?? []) {
        const record = parseLoginEvent(event);
        if (record) records.push(record);
      }
    }
  } catch (err) {
    // No login yet means no log group yet: an empty history, not an error.
    if (err instanceof Error && err.name === 'ResourceNotFoundException') return records;
    throw err;
  }
  return records;
}

const newestFirst = (a: LoginRecord, b: LoginRecord) => (a.time < b.time ? 1 : a.time > b.time ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * A server's (or one user's) login records, newest first. CloudWatch returns oldest first, so the
 * records are read in windows walking back from `until`, each four times the last, until `limit`
 * records are found or `since` is reached; the token remembers where the page ended.
 */
export async function listLoginRecords(query: LoginRecordQuery): Promise<LoginRecordPage> {
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50), 1), 500);
  if (query.username !== undefined && !filterableName(query.username)) return { records: [], nextToken: null };
  const cursor = query.nextToken ? decodeCursor(query.nextToken) : null;
  const until = cursor ? cursor.t : (query.until ?? new Date()).getTime();
  const since = (query.since ?? new Date(until - DEFAULT_HISTORY_DAYS * DAY)).getTime();
  const skip = new Set(cursor?.ids ?? []);
  const pattern = loginFilterPattern(
    query.serverId,
    query.username ? [query.username] : [],
    query.decision ? [`$.decision = "${query.decision}"`] : [],
  );
  const group = loginLogGroup();

  const found: LoginRecord[] = [];
  let end = until;
  let width = FIRST_WINDOW_MS;
  while (end >= since && found.length < limit) {
    const start = Math.max(since, end - width + 1);
    const window = (await readWindow(group, pattern, start, end)).filter((r) => !skip.has(r.id));
    // CloudWatch's order (time, then ingestion) reversed: two lines of one millisecond keep their order.
    found.push(...window.reverse());
    end = start - 1;
    width *= 4;
  }
  const records = found.slice(0, limit);
  const more = found.length > limit || end >= since;
  if (!more || records.length === 0) return { records, nextToken: null };
  const last = records[records.length - 1]!;
  const t = Date.parse(last.time);
  const ids = records.filter((r) => Date.parse(r.time) === t).map((r) => r.id);
  // Records at the page's last millisecond already shown stay skipped on the next page.
  if (t === until) ids.push(...skip);
  return { records, nextToken: encodeCursor({ t, ids }) };
}

/** How far back the users list looks for a last successful login. */
export const LAST_LOGIN_DAYS = 90;

function chunkByPatternLength(serverId: string, usernames: string[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  for (const name of usernames) {
    const candidate = [...current, name];
    if (current.length > 0 && loginFilterPattern(serverId, candidate, ['$.decision = "allow"']).length > FILTER_PATTERN_MAX) {
      chunks.push(current);
      current = [name];
    } else {
      current = candidate;
    }
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/**
 * The last successful login of each named user within the last `days` days: one FilterLogEvents
 * query per page of users (the names ORed in one JSON filter pattern; a page whose names would pass
 * CloudWatch's 1,024-character pattern cap is split into as few queries as fit), paged by CloudWatch.
 */
export async function lastSuccessfulLogins(
  serverId: string,
  usernames: string[],
  options: { now?: Date; days?: number } = {},
): Promise<Map<string, LoginRecord>> {
  const result = new Map<string, LoginRecord>();
  const wanted = [...new Set(usernames)].filter(filterableName);
  if (wanted.length === 0) return result;
  const endTime = (options.now ?? new Date()).getTime();
  const startTime = endTime - (options.days ?? LAST_LOGIN_DAYS) * DAY;
  const group = loginLogGroup();
  const chunks = chunkByPatternLength(serverId, wanted);
  const windows = await Promise.all(
    chunks.map((chunk) => readWindow(group, loginFilterPattern(serverId, chunk, ['$.decision = "allow"']), startTime, endTime)),
  );
  const names = new Set(wanted);
  for (const record of windows.flat()) {
    if (!record.username || !names.has(record.username) || record.decision !== 'allow') continue;
    const seen = result.get(record.username);
    if (!seen || newestFirst(record, seen) < 0) result.set(record.username, record);
  }
  return result;
}
