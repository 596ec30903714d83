// Last successful logins of every user of a server, for the users list's "never logged in" filter
// and its last-login sort: read from the Lambda's login lines (lib/console/login-records.ts) with one
// FilterLogEvents query for the server's allowed logins of the last LAST_LOGIN_DAYS days (paged by
// CloudWatch, 10,000 lines a call), kept in this process for LOGIN_INDEX_LIFETIME_MS and then
// extended with only the lines since the last read. The column of a page's rows is read fresh
// (`lastSuccessfulLogins` for the page's names: one call per page, never one per row).
import 'server-only';
import { paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import { aws } from '../aws/clients';
import { LAST_LOGIN_DAYS, loginFilterPattern, loginLogGroup, parseLoginEvent } from './login-records';

export const LOGIN_INDEX_LIFETIME_MS = 60_000;
const DAY = 86_400_000;

type LoginIndex = { lastLogin: Map<string, string>; readUntil: number; readAt: number; groupFound: boolean };
const indexes = new Map<string, LoginIndex>();
const reading = new Map<string, Promise<LoginIndex>>();

async function readSince(serverId: string, previous: LoginIndex | undefined, now: number): Promise<LoginIndex> {
  const lastLogin = new Map(previous?.lastLogin ?? []);
  let groupFound = true;
  // Lines can reach CloudWatch minutes after their time: re-read an overlap (the newest time wins).
  const startTime = previous ? previous.readUntil - 5 * 60_000 : now - LAST_LOGIN_DAYS * DAY;
  const pages = paginateFilterLogEvents(
    { client: aws().logs },
    {
      logGroupName: loginLogGroup(),
      filterPattern: loginFilterPattern(serverId, [], ['$.decision = "allow"']),
      startTime,
      endTime: now,
      limit: 10_000,
    },
  );
  try {
    for await (const page of pages) {
      for (const event of page.events ?? []) {
        const record = parseLoginEvent(event);
        if (!record?.username || record.decision !== 'allow' || record.serverId !== serverId) continue;
        const seen = lastLogin.get(record.username);
        if (!seen || seen < record.time) lastLogin.set(record.username, record.time);
      }
    }
  } catch (err) {
    // No login yet means no log group yet: nobody has logged in.
    if (!(err instanceof Error && err.name === 'ResourceNotFoundException')) throw err;
    groupFound = false;
  }
  // Logins older than the window fall out of it, as the page's own column does.
  const oldest = new Date(now - LAST_LOGIN_DAYS * DAY).toISOString();
  for (const [name, time] of lastLogin) if (time < oldest) lastLogin.delete(name);
  return { lastLogin, readUntil: now, readAt: Date.now(), groupFound };
}

/** Each user's last successful login (ISO time) within the last LAST_LOGIN_DAYS days. */
export async function lastLoginsOfServer(serverId: string): Promise<Map<string, string>> {
  return (await loginIndex(serverId)).lastLogin;
}

async function loginIndex(serverId: string): Promise<LoginIndex> {
  const cached = indexes.get(serverId);
  if (cached && Date.now() - cached.readAt < LOGIN_INDEX_LIFETIME_MS) return cached;
  let running = reading.get(serverId);
  if (!running) {
    running = readSince(serverId, cached, Date.now()).finally(() => reading.delete(serverId));
    reading.set(serverId, running);
  }
  const index = await running;
  indexes.set(serverId, index);
  return index;
}

export type LoginHistory =
  | {
      available: true;
      lastLogin: Map<string, string>;
      /** Where the history the console read begins (ISO): LAST_LOGIN_DAYS ago, or the oldest login line kept if later. */
      since: string;
      /** Why it begins there, in words for the page. */
      window: string;
    }
  | { available: false; reason: string };

const OLDEST_LIFETIME_MS = 10 * 60_000;
const oldest = new Map<string, { at: string | null; readAt: number }>();

/**
 * The oldest login line of the server within LAST_LOGIN_DAYS (its log group's retention, or when
 * logging began, may make the history shorter): one FilterLogEvents query (CloudWatch answers oldest
 * first; a few more pages at most while it scans), kept 10 minutes.
 */
async function oldestLoginLine(serverId: string, now: number): Promise<string | null> {
  const cached = oldest.get(serverId);
  if (cached && now - cached.readAt < OLDEST_LIFETIME_MS) return cached.at;
  let at: string | null = null;
  let calls = 0;
  for await (const page of paginateFilterLogEvents(
    { client: aws().logs },
    { logGroupName: loginLogGroup(), filterPattern: loginFilterPattern(serverId), startTime: now - LAST_LOGIN_DAYS * DAY, endTime: now, limit: 1 },
  )) {
    const first = page.events?.find((e) => typeof e.timestamp === 'number');
    if (first) {
      at = new Date(first.timestamp!).toISOString();
      break;
    }
    // CloudWatch may answer empty pages while it scans a large group; stop after a bounded number.
    if (++calls >= 20) {
      at = new Date(now - LAST_LOGIN_DAYS * DAY).toISOString();
      break;
    }
  }
  oldest.set(serverId, { at, readAt: now });
  return at;
}

/**
 * The server's login history for the security posture's "never logged in": every user's last
 * successful login and the window it covers, or why it is unavailable (the log group cannot be read,
 * or does not exist, which cannot be told apart from a wrong LOGIN_LOG_GROUP).
 */
export async function loginHistoryOfServer(serverId: string): Promise<LoginHistory> {
  const now = Date.now();
  let index: LoginIndex;
  let first: string | null;
  try {
    index = await loginIndex(serverId);
    first = index.groupFound ? await oldestLoginLine(serverId, now) : null;
  } catch (err) {
    const name = err instanceof Error ? err.name : 'UnknownError';
    if (name !== 'ResourceNotFoundException') {
      console.error(JSON.stringify({ level: 'error', event: 'login-records-read-failed', serverId, error: name }));
      return { available: false, reason: `the log group ${loginLogGroup()} could not be read (${name})` };
    }
    index = { lastLogin: new Map(), readUntil: now, readAt: now, groupFound: false };
    first = null;
  }
  if (!index.groupFound)
    return {
      available: false,
      reason: `the log group ${loginLogGroup()} does not exist: no login has been logged yet, or LOGIN_LOG_GROUP names another group`,
    };
  const windowStart = now - LAST_LOGIN_DAYS * DAY;
  if (first === null)
    return {
      available: true,
      lastLogin: index.lastLogin,
      since: new Date(windowStart).toISOString(),
      window: `the log group holds no login line of this server in the last ${LAST_LOGIN_DAYS} days, so every user counts`,
    };
  const firstMs = Date.parse(first);
  // Within a day of the window's start: the history covers the whole window.
  if (firstMs - windowStart < DAY)
    return { available: true, lastLogin: index.lastLogin, since: new Date(windowStart).toISOString(), window: `the last ${LAST_LOGIN_DAYS} days` };
  return {
    available: true,
    lastLogin: index.lastLogin,
    since: first,
    window: `since ${first.slice(0, 16).replace('T', ' ')} UTC, the oldest login line of this server the log group still holds (its retention, or when logging began); a user may have logged in before that`,
  };
}

/** Forgets what was read of one server's logins (a recount of the security posture). */
export function forgetLoginIndex(serverId: string): void {
  indexes.delete(serverId);
  oldest.delete(serverId);
}

/** Forgets what was read (tests and the bench). */
export function resetLoginIndexes(): void {
  indexes.clear();
  oldest.clear();
}
