// The login history as the user page shows it: records with their sentence, and the last success.
import 'server-only';
import { summarizeStoredSecret } from '../secret/contract';
import { NotFoundError } from './errors';
import { explainLogin, type LoginContext } from './login-reasons';
import { DEFAULT_HISTORY_DAYS, listLoginRecords, type LoginRecord } from './login-records';
import { readCurrent } from './users/shared';
import { lastDisable } from './users/user-activity';

export type ExplainedRecord = Pick<LoginRecord, 'id' | 'time' | 'decision' | 'reason' | 'protocol' | 'method' | 'sourceIp' | 'keyFingerprint'> & {
  explanation: string;
};

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

/**
 * The Lambda allows a key login by returning the keys on file; when the endpoint then finds the
 * offered key is not among them it writes its own refusal just after. That pair is one refused
 * attempt: the Lambda's half is dropped, so it is neither a row nor a "last successful login".
 */
export function foldKeyRefusals(records: readonly LoginRecord[]): LoginRecord[] {
  return records.filter((record, i) => {
    const newer = records[i - 1];
    return !(
      record.reason === 'PUBLIC_KEYS_RETURNED' &&
      newer?.reason === 'PUBLIC_KEY_NOT_ON_FILE' &&
      newer.sourceIp === record.sourceIp &&
      Date.parse(newer.time) - Date.parse(record.time) < 60_000
    );
  });
}

/** One page of a user's attempts, newest first; the first page also carries the last successful login. */
export async function loginHistory(serverId: string, username: string, nextToken?: string): Promise<LoginHistoryPage> {
  const read = await listLoginRecords({ serverId, username, limit: HISTORY_PAGE_SIZE, ...(nextToken ? { nextToken } : {}) });
  const page = { ...read, records: foldKeyRefusals(read.records) };
  // The newest allowed login is on the first page more often than not; else walk back for it alone.
  const last = nextToken
    ? null
    : (page.records.find((r) => r.decision === 'allow') ??
      (page.nextToken
        ? ((
            await listLoginRecords({
              serverId,
              username,
              decision: 'allow',
              limit: 1,
              until: new Date(page.records.at(-1)!.time),
              since: new Date(Date.now() - DEFAULT_HISTORY_DAYS * 86_400_000),
            })
          ).records[0] ?? null)
        : null));
  const context = await contextFor(serverId, username, page.records);
  return { records: page.records.map((r) => explained(r, context)), nextToken: page.nextToken, lastSuccess: last ? explained(last, context) : null };
}
