// AWS's error shapes, one per wire protocol, raised by the services and written by the server.

export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export const notFound = (message: string, extra?: Record<string, unknown>) => new AwsError('ResourceNotFoundException', message, 400, extra);
export const invalidParameter = (message: string) => new AwsError('InvalidParameterException', message);
export const invalidRequest = (message: string) => new AwsError('InvalidRequestException', message);
export const validation = (message: string) => new AwsError('ValidationException', message);
