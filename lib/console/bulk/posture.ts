// What needs attention on a server, by category, with the users in each. Never a secret value.
// Counted from the user index (lib/console/user-index.ts, kept per server in this process, updated at
// once by the console's own writes and rebuilt every 5 minutes) with the function the users list's
// `?attention=` filter uses, so each count is exactly the list it links to, and a page costs no AWS
// call at 10,000 users (reading every secret would be ~600 calls a view). "Never logged in" comes from
// the login history (user-index-logins.ts, one query cached a minute).
import 'server-only';
import type { StoredUserSecret } from '../../secret/contract';
import { attentionOf, type Attention } from '../user-index-attention';
import { indexedUser, refreshUserIndex, userIndex } from '../user-index';
import { forgetLoginIndex, loginHistoryOfServer } from '../user-index-logins';
import { requireManageableServer } from '../users/shared';

export {
  ATTENTION_CATEGORIES as POSTURE_CATEGORIES,
  ATTENTION_LABELS as POSTURE_LABELS,
  plaintextSlots,
  type AttentionCategory as PostureCategory,
  type AttentionEntry as PostureEntry,
} from '../user-index-attention';

export type Posture = Attention & {
  serverId: string;
  /** How old the counted index is. */
  indexAgeMs: number;
  /** The login history behind "never logged in": its window, or why it is unavailable. */
  loginHistory: { available: true; window: string; since: string } | { available: false; reason: string };
};

export type PostureResult = { ready: true; posture: Posture } | { ready: false; progress: number; lastError: string | null };

/** The categories of users given as stored secrets (tests, and any caller holding secrets already). */
export function assessPosture(
  serverId: string,
  users: { username: string; secret: StoredUserSecret | null; error: string | null }[],
  now = new Date(),
  lastLogins: ReadonlyMap<string, string> | null = null,
): Attention & { serverId: string } {
  const rows = users.map(({ username, secret, error }) => {
    const row = indexedUser(username, secret ? JSON.stringify(secret) : undefined, null);
    return secret ? row : { ...row, problems: [error ?? 'unreadable'] };
  });
  return { serverId, ...attentionOf(rows, { now: now.getTime(), lastLogins }) };
}

/**
 * The server's posture from its user index, waiting at most `waitMs` for a first build (a large
 * server's keeps running behind the page); `recount` rebuilds the index first (an admin who fixed
 * secrets outside the console) and re-reads the login history, waiting for the build as long as
 * `waitMs` allows.
 */
export async function serverPosture(serverId: string, options: { waitMs?: number; recount?: boolean } = {}): Promise<PostureResult> {
  await requireManageableServer(serverId);
  const waitMs = options.waitMs ?? 10_000;
  if (options.recount) forgetLoginIndex(serverId);
  const [status, history] = await Promise.all([
    options.recount ? refreshUserIndex(serverId, { waitMs }) : userIndex(serverId, { waitMs }),
    loginHistoryOfServer(serverId),
  ]);
  if (!status.ready) return { ready: false, progress: status.progress, lastError: status.lastError };
  const attention = attentionOf(status.index.users.values(), {
    lastLogins: history.available ? history.lastLogin : null,
    historySince: history.available ? history.since : null,
  });
  return {
    ready: true,
    posture: {
      serverId,
      ...attention,
      indexAgeMs: status.ageMs,
      loginHistory: history.available ? { available: true, window: history.window, since: history.since } : history,
    },
  };
}
