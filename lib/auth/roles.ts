// Console roles: admin does everything; helpdesk finds users, resets passwords, enables and
// disables users and runs test logins.
export const ROLES = ['admin', 'helpdesk'] as const;
export type Role = (typeof ROLES)[number];

export type Actor = { username: string; name: string; role: Role };

/** Whether `actual` may do what needs `required` (admin includes helpdesk). */
export function hasRole(actual: Role, required: Role): boolean {
  return actual === 'admin' || actual === required;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
