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

type LoginIndex = { lastLogin: Map<string, string>; readUntil: number; readAt: number };
const indexes = new Map<string, LoginIndex>();
const reading = new Map<string, Promise<LoginIndex>>();

async function readSince(serverId: string, previous: LoginIndex | undefined, now: number): Promise<LoginIndex> {
  const lastLogin = new Map(previous?.lastLogin ?? []);
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
  }
  // Logins older than the window fall out of it, as the page's own column does.
  const oldest = new Date(now - LAST_LOGIN_DAYS * DAY).toISOString();
  for (const [name, time] of lastLogin) if (time < oldest) lastLogin.delete(name);
  return { lastLogin, readUntil: now, readAt: Date.now() };
}

/** Each user's last successful login (ISO time) within the last LAST_LOGIN_DAYS days. */
export async function lastLoginsOfServer(serverId: string): Promise<Map<string, string>> {
  const cached = indexes.get(serverId);
  if (cached && Date.now() - cached.readAt < LOGIN_INDEX_LIFETIME_MS) return cached.lastLogin;
  let running = reading.get(serverId);
  if (!running) {
    running = readSince(serverId, cached, Date.now()).finally(() => reading.delete(serverId));
    reading.set(serverId, running);
  }
  const index = await running;
  indexes.set(serverId, index);
  return index.lastLogin;
}

/** Forgets what was read (tests and the bench). */
export function resetLoginIndexes(): void {
  indexes.clear();
}
