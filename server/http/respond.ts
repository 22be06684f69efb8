import type { FastifyReply } from 'fastify';
import { errorBody, type HttpError } from './errors';

/**
 * Every answer is JSON text made here (or given ready-made, like a change
 * page built record by record), so the body is exactly what docs/protocol.md
 * shows. Compression of large bodies is @fastify/compress's (server.ts).
 */

export const JSON_TYPE = 'application/json; charset=utf-8';

export function sendJsonText(
  reply: FastifyReply,
  status: number,
  json: string,
  headers: Readonly<Record<string, string>> = {},
): FastifyReply {
  return reply.code(status).headers(headers).type(JSON_TYPE).send(json);
}

export function sendJson(
  reply: FastifyReply,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): FastifyReply {
  return sendJsonText(reply, status, JSON.stringify(body), headers);
}

export function sendError(reply: FastifyReply, error: HttpError): FastifyReply {
  return sendJson(reply, error.status, errorBody(error), error.headers);
}
