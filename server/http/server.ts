import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import fastifyCompress from '@fastify/compress';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../app';
import type { Principal } from '../auth';
import type { RateLimitOptions } from '../rate-limit';
import { describeDataIssues } from '../sync/validate';
import { HttpError, badRequest, errorBody, rateLimited, unavailable } from './errors';
import { parseJsonBody } from './json-body';
import { sendError } from './respond';
import { registerRoutes } from './routes';
import { watchConnections } from './watchdog';

/**
 * The HTTP layer: Fastify with the routes of routes.ts, the zod type
 * provider (schemas from shared/protocol.ts), @fastify/compress (gzip bodies
 * in, gzip responses out) and @fastify/rate-limit, and the error body of
 * PROTOCOL.md on every refusal, Fastify's own included.
 */

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the onRequest hook on routes that need a token. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The least role a route needs; absent: no token. */
    role?: 'staff' | 'admin';
  }
}

export interface HttpOptions {
  /** Where pino's JSON lines go; absent: no logs. */
  log?: (line: string) => void;
  logLevel?: string;
  rateLimit?: RateLimitOptions | null;
  trustProxy?: boolean | string | string[];
  /** Gzip large responses to loopback clients as well (ServerOptions.compressLoopback). */
  compressLoopback?: boolean;
}

/** Large responses are gzipped for remote clients only: on loopback it halves throughput. */
const COMPRESS_ABOVE_BYTES = 64 * 1024;

function isLoopback(address: string | undefined): boolean {
  return (
    address === undefined ||
    address === '::1' ||
    address.startsWith('127.') ||
    address.startsWith('::ffff:127.')
  );
}

/** A logger that drops everything, until the HTTP server's own exists. */
export const silentLogger: FastifyBaseLogger = {
  level: 'silent',
  fatal: () => {},
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  trace: () => {},
  silent: () => {},
  child: () => silentLogger,
};

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,64}$/;

/** A proxy's X-Request-Id when it looks like one, else a new uuid. */
function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : randomUUID();
}

/** Status of a Fastify error → the code of PROTOCOL.md's error body. */
const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'timeout',
  413: 'too_large',
  414: 'too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  431: 'too_large',
  503: 'unavailable',
};

/** A schema validation failure, with the messages the rest of the server writes. */
function validationError(error: FastifyError): HttpError {
  const issues = (error.validation ?? []).map((v) => {
    const params = (v.params ?? {}) as Record<string, unknown>;
    return {
      ...params,
      code: v.keyword,
      path: v.instancePath.split('/').filter((p) => p !== ''),
      message: v.message ?? 'is not valid',
    };
  });
  const where = error.validationContext ?? 'body';
  return badRequest(describeDataIssues(new z.ZodError(issues as z.core.$ZodIssue[]), where));
}

/** Any error a request ended with → the HttpError to answer with (null: a bug, 500). */
export function toHttpError(error: unknown, maxBodyBytes: number): HttpError | null {
  if (error instanceof HttpError) return error;
  const e = error as FastifyError;
  if (Array.isArray(e?.validation)) return validationError(e);
  switch (e?.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return new HttpError(415, 'unsupported_media_type', 'Content-Type: must be application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(
        413,
        'too_large',
        `body: more than ${maxBodyBytes} bytes (after decompression)`,
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return badRequest('body: is empty; send a JSON object');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return badRequest('body: its length does not match Content-Length');
    case 'FST_ERR_BAD_URL':
      return badRequest('the path is not valid percent-encoding');
  }
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    return new HttpError(status, CODE_BY_STATUS[status] ?? 'invalid_request', e.message);
  }
  return null;
}

/** The request's client went away before it finished (reset, aborted upload). */
function clientGone(request: FastifyRequest, error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  // Not request.raw.destroyed: a finished gzip pipeline destroys the request stream too.
  return (
    request.raw.socket?.destroyed === true ||
    code === 'ECONNRESET' ||
    code === 'ECONNABORTED' ||
    (error as Error)?.message === 'aborted'
  );
}

/** Malformed HTTP, oversized or slow headers: answered on the socket itself. */
function clientErrorHandler(this: FastifyInstance, error: Error, socket: Socket): void {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status =
    code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const reason =
    status === 431
      ? 'Request Header Fields Too Large'
      : status === 408
        ? 'Request Timeout'
        : 'Bad Request';
  const body = JSON.stringify(
    errorBody(
      new HttpError(
        status,
        CODE_BY_STATUS[status]!,
        status === 408
          ? 'the request did not arrive in time'
          : `bad request (${code ?? 'parse error'})`,
      ),
    ),
  );
  this.log.info({ code, remoteAddress: socket.remoteAddress }, `client error: answered ${status}`);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function buildHttpServer(app: App, options: HttpOptions): FastifyInstance {
  const { config } = app;
  const log = options.log;
  const fastify = Fastify({
    logger: log
      ? {
          level: options.logLevel ?? 'info',
          stream: { write: (line: string) => log(line.trimEnd()) },
        }
      : false,
    // One line per request is ours (the onResponse hook below), not Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    genReqId: requestId,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: config.maxBodyBytes,
    exposeHeadRoutes: false,
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 1024 },
    // node:http's own limits (FACTS.md: its defaults are far too patient).
    http: {
      maxHeaderSize: config.maxHeaderBytes,
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(config.headersTimeoutMs, config.requestTimeoutMs),
      keepAliveTimeout: config.keepAliveTimeoutMs,
      // Node checks the two timeouts above only this often (default 30 s).
      connectionsCheckingInterval: Math.min(1_000, config.headersTimeoutMs),
    },
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    clientErrorHandler,
    frameworkErrors: (error, _request, reply) => {
      const http = toHttpError(error, config.maxBodyBytes) ?? badRequest(error.message);
      sendError(reply, http);
    },
  });
  app.logger = fastify.log;
  fastify.setValidatorCompiler(validatorCompiler);
  fastify.setSerializerCompiler(serializerCompiler);
  fastify.decorateRequest('principal', null);

  // application/json only, parsed by json-body.ts (depth before JSON.parse).
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: config.maxBodyBytes },
    (request, body, done) => {
      try {
        done(null, parseJsonBody(body as Buffer, request.headers['content-type']));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );

  void fastify.register(fastifyCompress, {
    global: true,
    encodings: ['gzip'],
    threshold: COMPRESS_ABOVE_BYTES,
    zlibOptions: { level: 1 },
    requestEncodings: ['gzip'],
    onUnsupportedRequestEncoding: () =>
      new HttpError(415, 'unsupported_media_type', 'Content-Encoding: only gzip is supported'),
    onInvalidRequestPayload: () => badRequest('body: not valid gzip (corrupt or truncated)'),
  });

  if (options.rateLimit) {
    const { capacity, refillPerSecond } = options.rateLimit;
    void fastify.register(fastifyRateLimit, {
      global: true,
      // After the token check (onRequest), before the body is read.
      hook: 'preParsing',
      max: capacity,
      timeWindow: Math.max(1, Math.round((capacity / refillPerSecond) * 1000)),
      keyGenerator: (request) => request.principal?.key ?? request.ip,
      allowList: (request) => request.principal === null,
      errorResponseBuilder: (_request, context) =>
        rateLimited(Math.max(1, Math.ceil(context.ttl / 1000))),
    });
  }

  // One request at a time per connection. Node dispatches pipelined requests
  // at once; a client that pipelines many and never reads the answers would
  // otherwise queue all their work ahead of everyone else's. The next one
  // starts when the previous response has been handed to the socket, i.e.
  // only as fast as this client reads.
  const busy = new WeakMap<Socket, Promise<void>>();
  // A connection on which nothing moves for idleMs is closed (watchdog.ts).
  const watchdog = watchConnections(fastify.server, config.idleTimeoutMs);
  fastify.addHook('onClose', async () => watchdog.stop());
  fastify.addHook('onRequest', async (request, reply) => {
    const socket = request.raw.socket;
    const previous = busy.get(socket);
    const done = new Promise<void>((resolve) => reply.raw.once('close', resolve));
    busy.set(socket, previous ? previous.then(() => done) : done);
    if (previous) await previous;
    // From here until the response is handed over, the server is the one working.
    watchdog.begin(socket);
    let working = true;
    const over = () => {
      if (working) watchdog.end(socket);
      working = false;
    };
    reply.raw.once('close', over);
    reply.raw.once('prefinish', over);
  });

  fastify.addHook('onRequest', async (request, reply) => {
    void reply.headers({
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Request-Id': request.id,
    });
    // @fastify/compress honours this request header: no gzip on loopback.
    if (!options.compressLoopback && isLoopback(request.socket.remoteAddress))
      request.headers['x-no-compression'] = '1';
    const role = request.routeOptions.config.role;
    if (app.stopping && role !== undefined) {
      void reply.header('Connection', 'close');
      throw unavailable('the server is stopping; try again', 1);
    }
    if (role === undefined) return;
    const signIns = app.signIns;
    const locked = signIns?.peek(request.ip);
    if (locked && !locked.ok) {
      throw rateLimited(
        locked.retryAfterSeconds,
        `too many failed sign-ins from this address; try again in ${locked.retryAfterSeconds} s`,
      );
    }
    try {
      request.principal = app.tokens.authenticate(request, role);
    } catch (error) {
      if (error instanceof HttpError && error.status === 401) signIns?.take(request.ip);
      throw error;
    }
  });

  fastify.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
  });

  fastify.setErrorHandler((error, request, reply) => {
    if (clientGone(request, error)) {
      request.log.info(
        { method: request.method, url: request.url },
        'client aborted the request (connection closed before it finished)',
      );
      reply.hijack();
      request.raw.destroy();
      return;
    }
    const http = toHttpError(error, config.maxBodyBytes);
    if (http) {
      if (http.status >= 500) request.log.warn({ code: http.code }, http.message);
      return sendError(reply, http);
    }
    request.log.error({ err: error }, 'internal error');
    return sendError(
      reply,
      new HttpError(500, 'internal', 'the server failed; try again later', { retryable: true }),
    );
  });

  fastify.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    sendError(reply, new HttpError(404, 'not_found', `no endpoint ${path.slice(0, 200)}`));
  });

  // Registered after the plugins, so their per-route hooks (decompression,
  // rate limits) apply to every route.
  void fastify.register(async (instance) => registerRoutes(instance, app));
  return fastify;
}
