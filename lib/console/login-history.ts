// The login history as the user page shows it: records with their sentence, and the last success.
import 'server-only';
import { summarizeStoredSecret } from '../secret/contract';
import { NotFoundError } from './errors';
import { explainLogin, type LoginContext } from './login-reasons';
import { lastSuccessfulLogins, listLoginRecords, type LoginRecord } from './login-records';
import { readCurrent } from './users/shared';
import { lastDisable } from './users/user-activity';

export type ExplainedRecord = Pick<LoginRecord, 'id' | 'time' | 'decision' | 'reason' | 'protocol' | 'method' | 'sourceIp' | 'keyFingerprint'> & { explanation: string };

export type LoginHistoryPage = { records: ExplainedRecord[]; nextToken: string | null; lastSuccess: ExplainedRecord | null };

export const HISTORY_PAGE_SIZE = 25;

async function contextFor(serverId: string, username: string, records: readonly LoginRecord[]): Promise<LoginContext> {
  let context: LoginContext = {};
  try {
    const summary = summarizeStoredSecret((await readCurrent(serverId, username)).secret);
    context = { acceptedIpNetworks: summary.acceptedIpNetworks, expiresAt: summary.expiresAt };
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  if (records.some((r) => r.reason === 'USER_DISABLED')) context.disabledBy = await lastDisable(serverId, username);
  return context;
}

function explained(record: LoginRecord, context: LoginContext): ExplainedRecord {
  const { id, time, decision, reason, protocol, method, sourceIp, keyFingerprint } = record;
  return { id, time, decision, reason, protocol, method, sourceIp, keyFingerprint, explanation: explainLogin(record, context) };
}

/** One page of a user's attempts, newest first; the first page also carries the last successful login. */
export async function loginHistory(serverId: string, username: string, nextToken?: string): Promise<LoginHistoryPage> {
  const [page, last] = await Promise.all([
    listLoginRecords({ serverId, username, limit: HISTORY_PAGE_SIZE, ...(nextToken ? { nextToken } : {}) }),
    nextToken ? Promise.resolve(null) : lastSuccessfulLogins(serverId, [username]).then((found) => found.get(username) ?? null),
  ]);
  const context = await contextFor(serverId, username, page.records);
  return { records: page.records.map((r) => explained(r, context)), nextToken: page.nextToken, lastSuccess: last ? explained(last, context) : null };
}
