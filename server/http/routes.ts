import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  BulkSyncRequestSchema,
  MeResponseSchema,
  SimulateRequestSchema,
  SimulateResponseSchema,
} from '../../shared/protocol';
import type { App, RequestContext } from '../app';
import { FaultsRequestSchema } from '../faults';
import {
  FixtureRequestSchema,
  handleClearFaults,
  handleFixtures,
  handleGetFaults,
  handleSetFaults,
  handleSimulate,
  handleStats,
} from '../handlers/admin';
import { beforeBody, handleBulkSync } from '../handlers/bulk-sync';
import { handleChanges } from '../handlers/changes';
import { handleDigest } from '../handlers/digest';
import { handleGetVisitor, handleHealth, handleMe } from '../handlers/misc';
import { HttpError } from './errors';
import { DepthGuard } from './json-body';
import { sendError } from './respond';

/**
 * Every endpoint of the server, with its schemas (request bodies, query and
 * path parameters are validated by the zod type provider before the
 * handler runs) and the least role it needs.
 */

const ChangesQuerySchema = z.object({
  since: z.string().max(200, { abort: true }).optional(),
  limit: z.string().max(20, { abort: true }).optional(),
});
const IdParamsSchema = z.object({ id: z.string() });
const DigestQuerySchema = z.object({
  after: z.string().max(200, { abort: true }).optional(),
  until: z.string().max(200, { abort: true }).optional(),
  parts: z.string().max(20, { abort: true }).optional(),
  records: z.string().max(5, { abort: true }).optional(),
});

/**
 * preParsing of every route with a body: the nesting guard, after
 * decompression. Piped, not pipelined: on a refusal the request stream must
 * stay open so the 400 can be sent; errors upstream (bad gzip) pass on.
 */
const guardDepth = async (
  _request: FastifyRequest,
  _reply: FastifyReply,
  payload: Readable & { receivedEncodedLength?: number },
) => {
  const guard = new DepthGuard(payload);
  payload.on('error', (error) => guard.destroy(error));
  return payload.pipe(guard);
};

function ctx(app: App, request: FastifyRequest, reply: FastifyReply): RequestContext {
  return { app, request, reply, principal: request.principal };
}

const METHODS: readonly HTTPMethods[] = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
];

/**
 * An async handler that sends with reply.send must hand Fastify the reply:
 * resolving to undefined after a send lets Fastify finish the response
 * before @fastify/compress has streamed it (a gzipped body of 0 bytes).
 */
async function answered(reply: FastifyReply, work: unknown): Promise<FastifyReply> {
  await work;
  return reply;
}

export function registerRoutes(fastify: FastifyInstance, app: App): void {
  const r = fastify.withTypeProvider<ZodTypeProvider>();
  const served = new Map<string, HTTPMethods[]>();
  const note = (url: string, method: HTTPMethods) =>
    served.set(url, [...(served.get(url) ?? []), method]);

  note('/api/visitors/bulk-sync', 'POST');
  r.post('/api/visitors/bulk-sync', {
    config: { role: 'staff' },
    schema: { body: BulkSyncRequestSchema },
    // Fault hooks and header checks fail the request before its body is read.
    preParsing: [async (request) => beforeBody(app, request.headers), guardDepth],
    handler: async (request, reply) =>
      answered(reply, handleBulkSync(ctx(app, request, reply), request.body)),
  });

  note('/api/visitors/changes', 'GET');
  r.get('/api/visitors/changes', {
    config: { role: 'staff' },
    schema: { querystring: ChangesQuerySchema },
    handler: async (request, reply) =>
      answered(reply, handleChanges(ctx(app, request, reply), request.query)),
  });

  note('/api/visitors/digest', 'GET');
  r.get('/api/visitors/digest', {
    config: { role: 'staff' },
    schema: { querystring: DigestQuerySchema },
    handler: async (request, reply) =>
      answered(reply, handleDigest(ctx(app, request, reply), request.query)),
  });

  note('/api/visitors/:id', 'GET');
  r.get('/api/visitors/:id', {
    config: { role: 'staff' },
    schema: { params: IdParamsSchema },
    handler: async (request, reply) =>
      answered(reply, handleGetVisitor(ctx(app, request, reply), request.params.id)),
  });

  note('/api/me', 'GET');
  r.get('/api/me', {
    config: { role: 'staff' },
    schema: { response: { 200: MeResponseSchema } },
    handler: async (request, reply) => answered(reply, handleMe(ctx(app, request, reply))),
  });

  note('/api/health', 'GET');
  r.get('/api/health', { handler: (request, reply) => handleHealth(ctx(app, request, reply)) });

  note('/api/admin/simulate', 'POST');
  r.post('/api/admin/simulate', {
    config: { role: 'admin' },
    preParsing: guardDepth,
    schema: { body: SimulateRequestSchema, response: { 200: SimulateResponseSchema } },
    handler: async (request, reply) =>
      answered(reply, handleSimulate(ctx(app, request, reply), request.body)),
  });

  note('/api/admin/faults', 'GET');
  r.get('/api/admin/faults', {
    config: { role: 'admin' },
    handler: async (request, reply) => answered(reply, handleGetFaults(ctx(app, request, reply))),
  });
  note('/api/admin/faults', 'POST');
  r.post('/api/admin/faults', {
    config: { role: 'admin' },
    preParsing: guardDepth,
    schema: { body: FaultsRequestSchema },
    handler: async (request, reply) =>
      answered(reply, handleSetFaults(ctx(app, request, reply), request.body)),
  });
  note('/api/admin/faults', 'DELETE');
  r.delete('/api/admin/faults', {
    config: { role: 'admin' },
    handler: async (request, reply) => answered(reply, handleClearFaults(ctx(app, request, reply))),
  });

  note('/api/admin/visitors', 'POST');
  r.post('/api/admin/visitors', {
    config: { role: 'admin' },
    preParsing: guardDepth,
    schema: { body: FixtureRequestSchema },
    handler: async (request, reply) =>
      answered(reply, handleFixtures(ctx(app, request, reply), request.body)),
  });

  note('/api/admin/stats', 'GET');
  r.get('/api/admin/stats', {
    config: { role: 'admin' },
    handler: async (request, reply) => answered(reply, handleStats(ctx(app, request, reply))),
  });

  // A known path with another method: 405 with Allow (an exact path also
  // wins over /api/visitors/:id, so GET /api/visitors/bulk-sync is a 405).
  for (const [url, methods] of served) {
    const allow = methods.join(', ');
    const others = METHODS.filter((m) => !methods.includes(m));
    fastify.route({
      method: others,
      url,
      handler: (request, reply) => {
        sendError(
          reply,
          new HttpError(
            405,
            'method_not_allowed',
            `${request.method} is not allowed here; use ${allow}`,
            {
              headers: { Allow: allow },
            },
          ),
        );
      },
    });
  }
}
