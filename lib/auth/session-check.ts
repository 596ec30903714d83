// The check every request's session passes (pages, actions and /api/auth/session alike): within
// its absolute lifetime, its server-side record still there and active within the idle timeout,
// and its account unchanged since sign-in (local accounts) or its groups re-read from the
// identity provider on a short interval (OIDC).
import { clock } from './clock';
import { currentLocalUsers } from './local-users';
import { isRole, type Role } from './roles';
import { endSession, readSessionRecord, touchSessionRecord, updateSessionRecord, type SessionRecord } from './session-records';
import { sessionPolicy, type SessionPolicy } from './session-policy';

export type SessionClaims = { sid?: unknown; signedInAt?: unknown; username?: unknown; role?: unknown; provider?: unknown };

export type SessionEndReason = 'malformed' | 'expired' | 'signed-out' | 'idle' | 'account-removed' | 'account-changed' | 'role-lost';

export type SessionCheck = { ok: true; username: string; role: Role } | { ok: false; reason: SessionEndReason };

/** Re-reads an OIDC user's role from the identity provider; null when they lost every console group. */
export type OidcRoleCheck = (record: SessionRecord) => Promise<{ role: Role | null; record: SessionRecord }>;

// Activity is written at most this often, so a busy session is not a write per request.
const TOUCH_EVERY_MS = 15_000;

export async function checkSession(
  claims: SessionClaims,
  options: { now?: number; policy?: SessionPolicy; usersFile?: string; dir?: string; recheckOidc?: OidcRoleCheck } = {},
): Promise<SessionCheck> {
  const now = options.now ?? clock.now();
  const policy = options.policy ?? sessionPolicy();
  const { sid, signedInAt, username, role, provider } = claims;
  if (typeof sid !== 'string' || typeof signedInAt !== 'number' || typeof username !== 'string' || !isRole(role) || typeof provider !== 'string') {
    return { ok: false, reason: 'malformed' };
  }
  if (now - signedInAt >= policy.absoluteMs || signedInAt > now + 60_000) {
    await endSession(sid, options.dir);
    return { ok: false, reason: 'expired' };
  }
  const found = await readSessionRecord(sid, options.dir);
  if (!found || found.record.username !== username || found.record.provider !== provider) return { ok: false, reason: 'signed-out' };
  if (now - found.lastSeenAt >= policy.idleMs) {
    await endSession(sid, options.dir);
    return { ok: false, reason: 'idle' };
  }
  let record = found.record;
  if (provider === 'credentials') {
    const account = (await currentLocalUsers(options.usersFile)).find((u) => u.username === username);
    if (!account) return end(sid, 'account-removed', options.dir);
    if (account.role !== role || (account.sessionsValidAfter ?? -Infinity) >= signedInAt) return end(sid, 'account-changed', options.dir);
  } else {
    if (now - (record.roleCheckedAt ?? record.createdAt) >= policy.oidcRecheckMs) {
      if (!options.recheckOidc) return end(sid, 'role-lost', options.dir);
      // Fail closed: an identity provider that cannot be asked cannot vouch for the role.
      const checked = await options.recheckOidc(record).catch((err: unknown) => {
        console.error(JSON.stringify({ level: 'error', event: 'oidc-recheck-failed', error: err instanceof Error ? err.name : 'unknown' }));
        return null;
      });
      if (!checked || checked.role !== role) return end(sid, 'role-lost', options.dir);
      record = { ...checked.record, roleCheckedAt: now };
      await updateSessionRecord(sid, record, now, options.dir);
      return { ok: true, username, role };
    }
  }
  if (now - found.lastSeenAt >= TOUCH_EVERY_MS) await touchSessionRecord(sid, now, options.dir);
  return { ok: true, username, role };
}

async function end(sid: string, reason: SessionEndReason, dir: string | undefined): Promise<SessionCheck> {
  await endSession(sid, dir);
  return { ok: false, reason };
}
