// Errors the console shows to people: specific, secret-free, and saying whether anything changed.

export class ConsoleError extends Error {
  constructor(
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'ConsoleError';
  }
}

export class StaleVersionError extends ConsoleError {
  constructor() {
    super('Someone else changed this user after you opened it. Your changes were not saved; reload to see theirs, then edit again.');
    this.name = 'StaleVersionError';
  }
}

export class NotFoundError extends ConsoleError {
  constructor(what: string) {
    super(`${what} was not found. It may have been deleted.`);
    this.name = 'NotFoundError';
  }
}

/**
 * AWS failed to answer a change and reading back what is stored failed too: the change may or may
 * not have landed, so the message never says "nothing was changed".
 */
export class OutcomeUnknownError extends ConsoleError {
  constructor(what: string) {
    super(
      `AWS did not confirm ${what}, and reading it back failed too, so it may or may not have been saved. Reload the page to see what is stored before trying again.`,
    );
    this.name = 'OutcomeUnknownError';
  }
}

const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'LimitExceededException']);
const OUTAGE = new Set([
  'InternalServiceError',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailableException',
  'ServiceUnavailable',
  'ServiceFailure',
]);

/** What went wrong, independent of wording: the one key into MESSAGES. */
export type ErrorCode = 'throttled' | 'aws-error' | 'access-denied' | 'unreachable' | 'unexpected';

/** Whether the failure was of a change (so the message says nothing changed) or of reading data for a page. */
export type ErrorSurface = 'change' | 'read';

// Every message for an AWS failure, by code and surface. AWS's own text is kept out: it may echo input.
const MESSAGES: Readonly<Record<ErrorCode, Readonly<Record<ErrorSurface, string>>>> = {
  throttled: {
    change: 'AWS is throttling requests right now. Nothing was changed; try again in a moment.',
    read: 'AWS is throttling requests right now; reload the page in a moment.',
  },
  'aws-error': {
    change: 'AWS did not answer (a service error). Nothing was changed; try again in a moment.',
    read: 'AWS did not answer (a service error); reload the page in a moment.',
  },
  'access-denied': {
    change: 'The console’s AWS credentials are not allowed to do this. Nothing was changed.',
    read: 'The console’s AWS credentials are not allowed to read this.',
  },
  unreachable: {
    change: 'AWS could not be reached. Nothing was changed; check the connection and try again.',
    read: 'AWS could not be reached; check the connection and reload the page.',
  },
  unexpected: {
    change: 'Something went wrong and nothing was changed. Try again, and if it keeps failing, check the server log.',
    read: 'Something went wrong. Reload the page, and if it keeps failing, check the server log.',
  },
};

export function errorCode(err: unknown): ErrorCode {
  const name = err instanceof Error ? err.name : '';
  if (THROTTLING.has(name)) return 'throttled';
  if (OUTAGE.has(name)) return 'aws-error';
  if (name === 'AccessDeniedException' || name === 'AccessDenied') return 'access-denied';
  if (name === 'TimeoutError' || (err instanceof Error && /ECONNREFUSED|ETIMEDOUT|socket hang up/.test(err.message))) return 'unreachable';
  return 'unexpected';
}

/** The message an admin sees for any failure: a ConsoleError's own, or the table's by code and surface. */
export function userMessage(err: unknown, surface: ErrorSurface = 'change'): string {
  if (err instanceof ConsoleError) return err.message;
  return MESSAGES[errorCode(err)][surface];
}

export function errorName(err: unknown): string {
  return err instanceof Error ? err.name : 'UnknownError';
}
