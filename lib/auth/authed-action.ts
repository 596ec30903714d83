// The one wrapper every server action goes through: it authenticates from the session cookie,
// checks the role on the server, parses the input with zod and shapes every error. A refused
// submission comes back with the values it carried, so no form ever loses what was typed.
import 'server-only';
import { unstable_rethrow } from 'next/navigation';
import type { z } from 'zod';
import { ConsoleError, errorName, userMessage } from '../console/errors';
import { forbiddenMessage, SESSION_ENDED_MESSAGE } from './request-auth';
import { hasRole, type Actor, type Role } from './roles';
import { getActor } from './session';

export type FieldErrors = Record<string, string[]>;
/** What a form posted, as named inputs (repeated names as arrays), secrets left out. */
export type SubmittedValues = Record<string, string | string[]>;
export type ActionErrorCode = 'session-ended' | 'forbidden' | 'not-a-form' | 'invalid-input' | 'failed';
export type ActionState<T = unknown> =
  | { status: 'idle' }
  | { status: 'success'; message?: string; data?: T; notice?: string }
  | { status: 'error'; message: string; fieldErrors?: FieldErrors; code?: ActionErrorCode; values?: SubmittedValues };

// The wrapper's own messages, by code: the one place they are worded (route handlers share the
// session and role ones, lib/auth/request-auth.ts).
const ACTION_MESSAGES = {
  'session-ended': SESSION_ENDED_MESSAGE,
  'not-a-form': 'The request was not a form submission. Nothing was changed.',
  'invalid-input': 'Some fields need attention. Nothing was changed.',
} as const;

/** Inputs never sent back to the browser: a password typed to test a login. */
const SECRET_INPUTS: ReadonlySet<string> = new Set(['password']);

/** zod issues keyed by their full path (`HomeDirectoryDetails.0.Target`), so nested fields get their own message. */
export function fieldErrorsFrom(
  issues: readonly z.core.$ZodIssue[],
  fieldName: (path: readonly PropertyKey[]) => string = (path) => path.map(String).join('.'),
): FieldErrors {
  const errors = new Map<string, string[]>();
  for (const issue of issues) {
    const key = issue.path.length > 0 ? fieldName(issue.path) : '_form';
    const list = errors.get(key) ?? [];
    if (!list.includes(issue.message)) list.push(issue.message);
    errors.set(key, list);
  }
  return Object.fromEntries(errors);
}

/** Named inputs as an object with a null prototype (any name is safe as a key); repeated names as arrays. */
export function formDataToObject(formData: FormData): SubmittedValues {
  const result = Object.create(null) as SubmittedValues;
  for (const [key, value] of formData.entries()) {
    if (key.startsWith('$ACTION') || typeof value !== 'string') continue;
    const existing = Object.hasOwn(result, key) ? result[key] : undefined;
    result[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return result;
}

function echo(values: SubmittedValues): SubmittedValues {
  return Object.fromEntries(Object.entries(values).filter(([key]) => !SECRET_INPUTS.has(key)));
}

export type ActionContext = { actor: Actor };

export type AuthedActionOptions = {
  /** Names of the values bound with `action.bind(null, …)`, in order; they override posted fields. */
  bound?: readonly string[];
  /** The form's field name for a zod path, when the schema nests the form. */
  fieldName?: (path: readonly PropertyKey[]) => string;
};

export function authedAction<S extends z.ZodType, T>(
  role: Role,
  schema: S,
  fn: (input: z.infer<S>, ctx: ActionContext) => Promise<ActionState<T>>,
  options: AuthedActionOptions = {},
): (...args: unknown[]) => Promise<ActionState<T>> {
  const boundNames = options.bound ?? [];
  return async (...args) => {
    const formData = args[boundNames.length + 1];
    const posted = formData instanceof FormData ? formDataToObject(formData) : (Object.create(null) as SubmittedValues);
    const values = echo(posted);
    const actor = await getActor();
    if (!actor) return { status: 'error', code: 'session-ended', message: ACTION_MESSAGES['session-ended'], values };
    if (!hasRole(actor.role, role)) return { status: 'error', code: 'forbidden', message: forbiddenMessage(role, actor.role), values };
    if (!(formData instanceof FormData)) return { status: 'error', code: 'not-a-form', message: ACTION_MESSAGES['not-a-form'] };
    const input: Record<string, unknown> = { ...posted };
    boundNames.forEach((name, index) => {
      input[name] = args[index];
    });
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      return {
        status: 'error',
        code: 'invalid-input',
        message: ACTION_MESSAGES['invalid-input'],
        fieldErrors: fieldErrorsFrom(parsed.error.issues, options.fieldName),
        values,
      };
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
        code: 'failed',
        message: userMessage(err),
        ...(err instanceof ConsoleError && err.fieldErrors ? { fieldErrors: err.fieldErrors } : {}),
        values,
      };
    }
  };
}
