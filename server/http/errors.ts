/**
 * A request-level failure: becomes the JSON error body of docs/protocol.md,
 * `{ success: false, error: { code, message, details? } }`, with its status.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly headers: Readonly<Record<string, string>>;
  /** Whether the client may retry the same request later (shown in the body). */
  readonly retryable: boolean | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    extra: { details?: unknown; headers?: Record<string, string>; retryable?: boolean } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.details = extra.details;
    this.headers = extra.headers ?? {};
    this.retryable = extra.retryable;
  }
}

export const badRequest = (message: string, details?: unknown) =>
  new HttpError(400, 'invalid_request', message, details === undefined ? {} : { details });

export const tooLarge = (message: string) => new HttpError(413, 'too_large', message);

export const unsupportedMedia = (message: string) =>
  new HttpError(415, 'unsupported_media_type', message);

export const unavailable = (message: string, retryAfterSeconds: number, code = 'unavailable') =>
  new HttpError(503, code, message, {
    headers: { 'Retry-After': String(retryAfterSeconds) },
    retryable: true,
  });

export const rateLimited = (retryAfterSeconds: number, message?: string) =>
  new HttpError(
    429,
    'rate_limited',
    message ?? `too many requests; try again in ${retryAfterSeconds} s`,
    { headers: { 'Retry-After': String(retryAfterSeconds) }, retryable: true },
  );

/** The JSON error body of docs/protocol.md for a request-level failure. */
export function errorBody(error: HttpError): {
  success: false;
  error: { code: string; message: string; retryable?: boolean; details?: unknown };
} {
  return {
    success: false,
    error: {
      code: error.code,
      message: error.message,
      ...(error.retryable !== undefined ? { retryable: error.retryable } : {}),
      ...(error.details !== undefined ? { details: error.details } : {}),
    },
  };
}
