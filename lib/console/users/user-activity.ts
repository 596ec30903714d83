// Who last changed a user and who disabled it, from the audit trail.
import 'server-only';
import { listAudit, type AuditRecord } from '../audit';

export type UserActivity = {
  lastChange: { actor: string; time: string; action: string } | null;
  /** The disable that is in force now (no enable after it), when the trail still holds it. */
  disabledBy: { actor: string; time: string } | null;
};

const CHANGES: ReadonlySet<string> = new Set([
  'user.create',
  'user.update',
  'user.reset-password',
  'user.disable',
  'user.enable',
  'user.delete',
  'user.restore',
]);

export function activityOf(records: readonly AuditRecord[]): UserActivity {
  const changes = records.filter((r) => CHANGES.has(r.action));
  const latest = changes[0];
  const toggle = changes.find((r) => r.action === 'user.disable' || r.action === 'user.enable');
  return {
    lastChange: latest ? { actor: latest.actor, time: latest.time, action: latest.action } : null,
    disabledBy: toggle?.action === 'user.disable' ? { actor: toggle.actor, time: toggle.time } : null,
  };
}

/** The user's audit records (newest first), read in one query. */
export async function userActivity(serverId: string, username: string): Promise<UserActivity> {
  const { records } = await listAudit({ serverId, username });
  return activityOf(records);
}

export async function lastDisable(serverId: string, username: string): Promise<UserActivity['disabledBy']> {
  try {
    return (await userActivity(serverId, username)).disabledBy;
  } catch {
    // Without the trail the sentence still says the user is disabled, only not by whom.
    return null;
  }
}
