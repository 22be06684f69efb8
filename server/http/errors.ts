/**
 * A request-level failure: becomes the JSON error body of PROTOCOL.md,
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
