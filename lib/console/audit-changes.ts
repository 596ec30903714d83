// What an audit record says changed: old → new for the fields people reason about, as text. Never
// a password, hash or key: passwords are named only ("reset"), keys only counted.
import { summarizeStoredSecret, type StoredUserSecret, type UserSecretSummary } from '../secret/contract';
import type { AuditChange } from './audit';

type Field = { field: string; show: (s: UserSecretSummary) => string | null };

const FIELDS: readonly Field[] = [
  { field: 'Role', show: (s) => s.role },
  {
    field: 'Home',
    show: (s) =>
      s.homeDirectoryType === 'LOGICAL'
        ? s.homeDirectoryMappings.map((m) => `${m.Entry} → ${m.Target}`).join(', ')
        : s.homeDirectoryType === 'PATH'
          ? s.homeDirectory
          : null,
  },
  { field: 'UID', show: (s) => (s.posixProfile ? String(s.posixProfile.Uid) : null) },
  { field: 'GID', show: (s) => (s.posixProfile ? String(s.posixProfile.Gid) : null) },
  { field: 'Secondary GIDs', show: (s) => (s.posixProfile?.SecondaryGids?.length ? s.posixProfile.SecondaryGids.join(', ') : null) },
  { field: 'Allowed networks', show: (s) => (s.acceptedIpNetworks.length ? s.acceptedIpNetworks.join(', ') : null) },
  { field: 'Expires', show: (s) => s.expiresAt },
  { field: 'Disabled', show: (s) => (s.disabled ? 'yes' : 'no') },
  { field: 'Sign-in', show: (s) => s.authMethods.join(' and ') || 'none' },
  { field: 'Password storage', show: (s) => (s.passwordMode === 'none' ? null : s.passwordMode) },
  { field: 'Public keys', show: (s) => String(s.publicKeyCount) },
];

/** Old → new of every shown field that differs; `before` null for a new user. */
export function auditChanges(before: StoredUserSecret | null, after: StoredUserSecret): AuditChange[] {
  const old = before ? summarizeStoredSecret(before) : null;
  const now = summarizeStoredSecret(after);
  const changes = FIELDS.flatMap(({ field, show }): AuditChange[] => {
    const from = old ? show(old) : null;
    const to = show(now);
    return from === to ? [] : [{ field, from, to }];
  });
  // A policy is not secret but long: whether it changed is what the trail needs.
  if (JSON.stringify(before?.Policy ?? null) !== JSON.stringify(after.Policy ?? null))
    changes.push({ field: 'Policy', from: before?.Policy ? 'set' : null, to: after.Policy ? 'changed' : null });
  return changes;
}
