import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { HttpError } from './errors';

const gzipAsync = promisify(gzip);

/** Large responses are compressed only for remote clients (FACTS.md: gzip halves loopback throughput). */
const COMPRESS_ABOVE_BYTES = 64 * 1024;

function isLoopback(address: string | undefined): boolean {
  return (
    address === undefined ||
    address === '::1' ||
    address.startsWith('127.') ||
    address.startsWith('::ffff:127.')
  );
}

function acceptsGzip(req: IncomingMessage): boolean {
  const accept = req.headers['accept-encoding'];
  return (
    typeof accept === 'string' &&
    /\bgzip\b/i.test(accept) &&
    !/\bgzip\s*;\s*q=0(\.0*)?\b/i.test(accept)
  );
}

const BASE_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
} as const;

export async function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): Promise<void> {
  if (res.headersSent || res.destroyed) return;
  let payload: Buffer = Buffer.from(JSON.stringify(body), 'utf8');
  const out: Record<string, string> = { ...BASE_HEADERS, ...headers };
  if (
    payload.length > COMPRESS_ABOVE_BYTES &&
    acceptsGzip(req) &&
    !isLoopback(req.socket.remoteAddress)
  ) {
    payload = await gzipAsync(payload, { level: 1 });
    out['Content-Encoding'] = 'gzip';
    out['Vary'] = 'Accept-Encoding';
  }
  out['Content-Length'] = String(payload.length);
  res.writeHead(status, out);
  res.end(payload);
}

export function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  error: HttpError,
): Promise<void> {
  const body = {
    success: false,
    error: {
      code: error.code,
      message: error.message,
      ...(error.retryable !== undefined ? { retryable: error.retryable } : {}),
      ...(error.details !== undefined ? { details: error.details } : {}),
    },
  };
  return sendJson(req, res, error.status, body, error.headers);
}
