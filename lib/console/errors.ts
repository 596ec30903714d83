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

const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'LimitExceededException']);
const OUTAGE = new Set(['InternalServiceError', 'InternalFailure', 'InternalServerError', 'ServiceUnavailableException', 'ServiceUnavailable', 'ServiceFailure']);

/** The message an admin sees for any failure; AWS's own text is kept out because it may echo input. */
export function userMessage(err: unknown): string {
  if (err instanceof ConsoleError) return err.message;
  const name = err instanceof Error ? err.name : '';
  if (THROTTLING.has(name)) return 'AWS is throttling requests right now. Nothing was changed; try again in a moment.';
  if (OUTAGE.has(name)) return 'AWS did not answer (a service error). Nothing was changed; try again in a moment.';
  if (name === 'AccessDeniedException' || name === 'AccessDenied') return 'The console’s AWS credentials are not allowed to do this. Nothing was changed.';
  if (name === 'TimeoutError' || (err instanceof Error && /ECONNREFUSED|ETIMEDOUT|socket hang up/.test(err.message))) {
    return 'AWS could not be reached. Nothing was changed; check the connection and try again.';
  }
  return 'Something went wrong and nothing was changed. Try again, and if it keeps failing, check the server log.';
}

export function errorName(err: unknown): string {
  return err instanceof Error ? err.name : 'UnknownError';
}
