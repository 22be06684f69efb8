import { gunzipSync } from 'node:zlib';
import { appError, describeIssues, type AppError } from '../../../shared/errors';
import {
  BulkSyncResponseSchema,
  ChangePageSchema,
  ErrorBodySchema,
  MeResponseSchema,
  type BulkSyncResponse,
  type ChangePage,
  type MeResponse,
  type Operation,
} from '../../../shared/protocol';
import { z } from 'zod';
import { TombstoneSchema, VisitorSchema } from '../../../shared/visitor';
import { encodeBody, send, type HttpReply } from './transport';
import { DigestResponseSchema, type DigestResponse } from '../../../shared/digest';

export interface ServerConnection {
  /** e.g. http://127.0.0.1:8080 */
  serverUrl: string;
  token: string;
  /** This console's device id (X-Client-Id): create dedupe without opIds. */
  clientId: string;
  timeoutMs: number;
  /**
   * Treat the server as off this host even at a loopback address (a local
   * tunnel, or a test of the off-host path): large pushes go gzipped.
   */
  offHost?: boolean;
}

/**
 * A failed call: `retryAfterMs` when the server said when to come back; `status` when it answered;
 * `serverCode` the code of a 404's protocol error body (a missing record says `not_found`);
 * `unreached` when no connection could be made at all (transport.ts).
 */
export type ApiFailure = AppError & {
  status?: number;
  retryAfterMs?: number;
  serverCode?: string;
  unreached?: true;
};
/** A push chunk's request, ready for the wire (ServerApi.preparePush). */
export interface PreparedPush {
  payload: Buffer;
  gzip: boolean;
  /** `n/total`, sent as X-Sync-Chunk. */
  chunk: string;
}

export type ApiResult<T> =
  | { ok: true; value: T; bytesSent: number; bytesReceived: number }
  | { ok: false; error: ApiFailure; bytesSent: number };

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** gzip (level 1) halves throughput on loopback and is 4x faster on a slow link (docs/measured-facts.md). */
export function shouldGzip(serverUrl: string, operations: number, offHost = false): boolean {
  return operations > 100 && (offHost || !LOOPBACK.has(new URL(serverUrl).hostname));
}

/**
 * A bulk-sync reply as the engine reads it: every result checked, the change
 * page it may carry (ext) dropped unread. The engine pulls through the change
 * feed and never used that page, and checking its records one by one was
 * 5 % of a push's own time (profiled: up to 1 000 records in each reply).
 */
const PushReplySchema = BulkSyncResponseSchema.omit({ changes: true });

/** A gzipped reply may not unpack to more than this (a compression bomb). */
const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;

export function parseRetryAfter(
  value: string | string[] | undefined,
  now = Date.now(),
): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The words and retry rule for an HTTP status, as docs/protocol.md's client rules say. */
function statusError(reply: HttpReply, host: string): ApiFailure {
  const body = parseJson(reply);
  const parsed = ErrorBodySchema.safeParse(body);
  const said = parsed.success ? ` (${parsed.data.error.code}: ${parsed.data.error.message})` : '';
  const retryAfterMs = parseRetryAfter(reply.headers['retry-after']);
  const base = { status: reply.status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  const s = reply.status;
  if (s === 401)
    return {
      ...appError(
        'auth',
        `The server at ${host} did not accept the token${said}. Enter a new token.`,
      ),
      ...base,
    };
  if (s === 403)
    return { ...appError('forbidden', `The token is not allowed to do this${said}.`), ...base };
  if (s === 413)
    return { ...appError('too_large', `The server found the request too large${said}.`), ...base };
  if (s === 408)
    return {
      ...appError('timeout', `The server timed out reading the request${said}.`, true),
      ...base,
    };
  if (s === 429)
    return {
      ...appError('rate_limited', `The server asked us to slow down${said}.`, true),
      ...base,
    };
  if (s >= 500)
    return { ...appError('server', `The server had a problem (HTTP ${s})${said}.`, true), ...base };
  return {
    ...appError('rejected', `The server refused the request (HTTP ${s})${said}.`),
    ...base,
    ...(s === 404 && parsed.success ? { serverCode: parsed.data.error.code } : {}),
  };
}

function parseJson(reply: HttpReply): unknown {
  try {
    const raw =
      reply.headers['content-encoding'] === 'gzip'
        ? gunzipSync(reply.body, { maxOutputLength: MAX_UNPACKED_BYTES })
        : reply.body;
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The sync server's endpoints, typed and parsed. Never throws. */
export class ServerApi {
  private readonly base: URL;
  private readonly host: string;

  constructor(private readonly conn: ServerConnection) {
    this.base = new URL(conn.serverUrl.endsWith('/') ? conn.serverUrl : `${conn.serverUrl}/`);
    this.host = this.base.host;
  }

  me(signal?: AbortSignal): Promise<ApiResult<MeResponse>> {
    return this.call('GET', 'api/me', MeResponseSchema, undefined, signal);
  }

  /**
   * One record as the server holds it now, or its tombstone (the reference
   * server's GET /api/visitors/:id; a 404 means it has no such record).
   */
  visitor(serverId: string, signal?: AbortSignal) {
    return this.call(
      'GET',
      `api/visitors/${encodeURIComponent(serverId)}`,
      z.union([TombstoneSchema, VisitorSchema]),
      undefined,
      signal,
    );
  }

  changes(
    since: string | null,
    limit: number,
    signal?: AbortSignal,
  ): Promise<ApiResult<ChangePage>> {
    const q = new URLSearchParams({ limit: String(limit) });
    if (since) q.set('since', since);
    return this.call('GET', `api/visitors/changes?${q}`, ChangePageSchema, undefined, signal);
  }

  /** GET /api/visitors/digest (docs/protocol.md, ext): range hashes, or a small range's records. */
  digest(
    q: { after: string | null; until: string | null; parts?: number; records?: boolean },
    signal?: AbortSignal,
  ): Promise<ApiResult<DigestResponse>> {
    const p = new URLSearchParams();
    if (q.after !== null) p.set('after', q.after);
    if (q.until !== null) p.set('until', q.until);
    if (q.parts !== undefined) p.set('parts', String(q.parts));
    if (q.records) p.set('records', '1');
    return this.call('GET', `api/visitors/digest?${p}`, DigestResponseSchema, undefined, signal);
  }

  /**
   * A push chunk's request, serialised and encoded before its turn: the
   * engine prepares chunk n+1 while the server applies chunk n.
   */
  preparePush(body: {
    operations: Operation[];
    lastSyncTimestamp: string | null;
    chunkInfo: { number: number; total: number };
  }): PreparedPush {
    const gzip = shouldGzip(this.conn.serverUrl, body.operations.length, this.conn.offHost);
    return {
      payload: encodeBody(JSON.stringify(body), gzip),
      gzip,
      chunk: `${body.chunkInfo.number}/${body.chunkInfo.total}`,
    };
  }

  bulkSync(push: PreparedPush, signal?: AbortSignal): Promise<ApiResult<BulkSyncResponse>> {
    return this.call('POST', 'api/visitors/bulk-sync', PushReplySchema, push, signal, {
      'x-sync-chunk': push.chunk,
    });
  }

  private async call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    body: PreparedPush | undefined,
    signal: AbortSignal | undefined,
    extraHeaders: Record<string, string> = {},
  ): Promise<ApiResult<z.output<S>>> {
    const url = new URL(path, this.base);
    const r = await send(url, {
      method,
      headers: {
        authorization: `Bearer ${this.conn.token}`,
        accept: 'application/json',
        // Pulls are the large replies: the server gzips them above a size when it
        // is off this host (or told to on loopback); parseJson unpacks them.
        'accept-encoding': 'gzip',
        'x-client-id': this.conn.clientId,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...extraHeaders,
      },
      ...(body !== undefined ? { body: body.payload, gzip: body.gzip } : {}),
      timeoutMs: this.conn.timeoutMs,
      ...(signal ? { signal } : {}),
    });
    if (!r.ok) return { ok: false, error: r.error, bytesSent: 0 };
    const { reply } = r;
    if (reply.status !== 200)
      return { ok: false, error: statusError(reply, this.host), bytesSent: reply.bytesSent };
    const json = parseJson(reply);
    if (json === undefined) {
      return {
        ok: false,
        error: appError(
          'bad_response',
          `The server at ${this.host} sent a reply that is not JSON (it may have been cut off).`,
          true,
        ),
        bytesSent: reply.bytesSent,
      };
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      return {
        ok: false,
        error: appError(
          'bad_response',
          `The server at ${this.host} sent a reply that does not follow the sync protocol: ${describeIssues(parsed.error).slice(0, 300)}`,
          true,
        ),
        bytesSent: reply.bytesSent,
      };
    }
    return {
      ok: true,
      value: parsed.data as z.output<S>,
      bytesSent: reply.bytesSent,
      bytesReceived: reply.body.length,
    };
  }
}
