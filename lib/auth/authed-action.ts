// The one wrapper every server action goes through: it authenticates from the session cookie,
// checks the role on the server, parses the input with zod and shapes every error.
import 'server-only';
import { unstable_rethrow } from 'next/navigation';
import type { z } from 'zod';
import { ConsoleError, errorName, userMessage } from '../console/errors';
import { hasRole, type Actor, type Role } from './roles';
import { getActor } from './session';

export type FieldErrors = Record<string, string[]>;
export type ActionState<T = unknown> =
  | { status: 'idle' }
  | { status: 'success'; message?: string; data?: T }
  | { status: 'error'; message: string; fieldErrors?: FieldErrors };

/** zod issues keyed by their full path (`HomeDirectoryDetails.0.Target`), so nested fields get their own message. */
export function fieldErrorsFrom(issues: readonly z.core.$ZodIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.length > 0 ? issue.path.map(String).join('.') : '_form';
    (errors[key] ??= []).push(issue.message);
  }
  return errors;
}

/** A `payload` field holding JSON is the whole input; otherwise fields, repeated names as arrays. */
export function formDataToObject(formData: FormData): unknown {
  const payload = formData.get('payload');
  if (typeof payload === 'string') {
    try {
      return JSON.parse(payload) as unknown;
    } catch {
      return undefined;
    }
  }
  const result: Record<string, string | string[]> = {};
  for (const [key, value] of formData.entries()) {
    if (key.startsWith('$ACTION') || typeof value !== 'string') continue;
    const existing = result[key];
    result[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return result;
}

export type ActionContext = { actor: Actor };

export function authedAction<S extends z.ZodType, T>(
  role: Role,
  schema: S,
  fn: (input: z.infer<S>, ctx: ActionContext) => Promise<ActionState<T>>,
): (previous: ActionState<T>, formData: FormData) => Promise<ActionState<T>> {
  return async (_previous, formData) => {
    const actor = await getActor();
    if (!actor) return { status: 'error', message: 'Your session has ended. Sign in again.' };
    if (!hasRole(actor.role, role)) {
      return { status: 'error', message: `Only ${role === 'admin' ? 'admins' : 'the help desk and admins'} can do this; your role is ${actor.role}. Nothing was changed.` };
    }
    if (!(formData instanceof FormData)) return { status: 'error', message: 'The request was not a form submission. Nothing was changed.' };
    const parsed = schema.safeParse(formDataToObject(formData));
    if (!parsed.success) {
      return { status: 'error', message: 'Some fields need attention. Nothing was changed.', fieldErrors: fieldErrorsFrom(parsed.error.issues) };
    }
    try {
      return await fn(parsed.data, { actor });
    } catch (err) {
      unstable_rethrow(err);
      if (!(err instanceof ConsoleError)) {
        // The error's name only: AWS messages can echo input, and input can hold a password.
        console.error(JSON.stringify({ level: 'error', event: 'action-failed', actor: actor.username, error: errorName(err) }));
      }
      return {
        status: 'error',
        message: userMessage(err),
        ...(err instanceof ConsoleError && err.fieldErrors ? { fieldErrors: err.fieldErrors } : {}),
      };
    }
  };
}
