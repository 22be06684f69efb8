import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { gzipSync } from 'node:zlib';
import { appError, type AppError } from '../../../shared/errors';

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  bytesSent: number;
}

/**
 * `unreached` when no connection was made at all (nothing listens at the
 * address, or the name is unknown): unlike a dropped or stalled exchange, the
 * server was never there to answer.
 */
export type TransportError = AppError & { unreached?: true };

export type HttpResult = { ok: true; reply: HttpReply } | { ok: false; error: TransportError };

export interface HttpOptions {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** Text, encoded here; or bytes made ahead by `encodeBody` (already gzipped when `gzip`). */
  body?: string | Buffer;
  /** The body goes gzip-encoded. */
  gzip?: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Refuse replies larger than this (a broken or hostile server). */
  maxReplyBytes?: number;
}

const MAX_REPLY_BYTES = 64 * 1024 * 1024;

/**
 * One HTTP exchange, never throwing: every way it can go wrong comes back as
 * an error value a person can read (network, timeout, cancelled).
 */
export async function send(url: URL, opts: HttpOptions): Promise<HttpResult> {
  const first = await guarded(url, opts);
  // A kept-alive socket the server closed while idle resets on reuse; Node's
  // advice is to retry on a fresh one. Safe: GETs read, bulk-syncs carry opIds.
  if (!first.ok && first.staleSocket) return stripStale(await guarded(url, opts));
  return stripStale(first);
}

/** A request Node refuses to even start (a header it cannot send) is an error value too. */
function guarded(url: URL, opts: HttpOptions): Promise<Attempt> {
  return sendOnce(url, opts).catch((err: Error & { code?: string }) => ({
    ok: false as const,
    error:
      err.code === 'ERR_INVALID_CHAR' || err.code === 'ERR_INVALID_HTTP_TOKEN'
        ? appError(
            'bad_token',
            'The token contains characters that cannot be sent to a server (a line break, a space or an invisible character). Enter the token again.',
            false,
          )
        : {
            ...appError(
              'network',
              `The request to ${url.host} could not be made: ${err.message}`,
              true,
            ),
            unreached: true as const,
          },
  }));
}

type Attempt = HttpResult & { staleSocket?: boolean };

/** When each kept-alive socket last finished a reply. */
const lastUsed = new WeakMap<object, number>();
/** Idle longer than this, a reset on reuse means the server closed it meanwhile. */
const STALE_AFTER_MS = 1_000;

function stripStale(r: Attempt): HttpResult {
  return r.ok ? { ok: true, reply: r.reply } : { ok: false, error: r.error };
}

/** A request body as it goes on the wire: UTF-8, gzipped (level 1) when asked. */
export function encodeBody(text: string, gzip: boolean): Buffer {
  return gzip ? gzipSync(text, { level: 1 }) : Buffer.from(text);
}

function sendOnce(url: URL, opts: HttpOptions): Promise<Attempt> {
  const payload =
    typeof opts.body === 'string' ? encodeBody(opts.body, opts.gzip === true) : opts.body;
  const headers: Record<string, string> = { ...opts.headers };
  if (payload) {
    headers['content-length'] = String(payload.length);
    if (opts.gzip) headers['content-encoding'] = 'gzip';
  }
  const make = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Attempt>((resolve) => {
    let settled = false;
    const done = (r: Attempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const req = make(url, { method: opts.method, headers }, (res) => {
      const parts: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > (opts.maxReplyBytes ?? MAX_REPLY_BYTES)) {
          req.destroy();
          done({
            ok: false,
            error: appError(
              'bad_response',
              `The server's reply was larger than ${MAX_REPLY_BYTES} bytes.`,
              true,
            ),
          });
        } else parts.push(c);
      });
      res.on('end', () => {
        if (socket) lastUsed.set(socket, Date.now());
        done({
          ok: true,
          reply: {
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts),
            bytesSent: payload?.length ?? 0,
          },
        });
      });
      res.on('error', (err) => done({ ok: false, error: networkError(err, url) }));
      res.on('aborted', () =>
        done({
          ok: false,
          error: appError(
            'network',
            `The connection to ${url.host} dropped while the reply was arriving.`,
            true,
          ),
        }),
      );
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({
        ok: false,
        error: appError(
          'timeout',
          `The server at ${url.host} did not answer within ${Math.round(opts.timeoutMs / 1000)} s.`,
          true,
        ),
      });
    }, opts.timeoutMs);
    const onAbort = () => {
      req.destroy();
      done({ ok: false, error: appError('cancelled', 'The sync was cancelled.', false) });
    };
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let socket: object | null = null;
    req.on('socket', (s) => (socket = s));
    req.on('error', (err: Error & { code?: string }) => {
      // A socket used moments ago that resets is a real dropped connection, not a stale one.
      const idle = Date.now() - ((socket && lastUsed.get(socket)) ?? Date.now());
      const staleSocket = req.reusedSocket && err.code === 'ECONNRESET' && idle > STALE_AFTER_MS;
      done({ ok: false, error: networkError(err, url), staleSocket });
    });
    req.end(payload);
  });
}

function networkError(err: Error & { code?: string }, url: URL): TransportError {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED')
    return {
      ...appError(
        'network',
        `Nothing answers at ${url.host}: is the server running and the address right?`,
        true,
      ),
      unreached: true,
    };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return {
      ...appError(
        'network',
        `The server name ${url.hostname} could not be found. Check the address and your network.`,
        true,
      ),
      unreached: true,
    };
  if (code === 'ECONNRESET' || code === 'EPIPE')
    return appError(
      'network',
      `The connection to ${url.host} was cut before the reply arrived.`,
      true,
    );
  if (/CERT|SSL|TLS/.test(code))
    return appError(
      'tls',
      `The secure connection to ${url.host} failed (${code}). Check the server's certificate.`,
      false,
    );
  return appError('network', `The connection to ${url.host} failed: ${err.message}`, true);
}
