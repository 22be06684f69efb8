import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Role } from '../../shared/protocol';
import type { App, Handler } from '../app';
import {
  handleClearFaults,
  handleFixtures,
  handleGetFaults,
  handleSetFaults,
  handleSimulate,
  handleStats,
} from '../handlers/admin';
import { handleBulkSync } from '../handlers/bulk-sync';
import { handleChanges } from '../handlers/changes';
import { handleGetVisitor, handleHealth, handleMe } from '../handlers/misc';
import { HttpError } from './errors';
import { sendError } from './respond';

type Method = 'GET' | 'POST' | 'DELETE';

interface Route {
  method: Method;
  /** An exact path, or a pattern with named groups for parameters. */
  path: string | RegExp;
  /** The least role allowed; null: no authentication. */
  role: Role | null;
  handler: Handler;
}

/** Every endpoint of the server. Exact paths win over patterns. */
export const ROUTES: readonly Route[] = [
  { method: 'POST', path: '/api/visitors/bulk-sync', role: 'staff', handler: handleBulkSync },
  { method: 'GET', path: '/api/visitors/changes', role: 'staff', handler: handleChanges },
  {
    method: 'GET',
    path: /^\/api\/visitors\/(?<id>[^/]{1,128})$/,
    role: 'staff',
    handler: handleGetVisitor,
  },
  { method: 'GET', path: '/api/me', role: 'staff', handler: handleMe },
  { method: 'GET', path: '/api/health', role: null, handler: handleHealth },
  { method: 'POST', path: '/api/admin/simulate', role: 'admin', handler: handleSimulate },
  { method: 'GET', path: '/api/admin/faults', role: 'admin', handler: handleGetFaults },
  { method: 'POST', path: '/api/admin/faults', role: 'admin', handler: handleSetFaults },
  { method: 'DELETE', path: '/api/admin/faults', role: 'admin', handler: handleClearFaults },
  { method: 'POST', path: '/api/admin/visitors', role: 'admin', handler: handleFixtures },
  { method: 'GET', path: '/api/admin/stats', role: 'admin', handler: handleStats },
];

interface Match {
  routes: Route[];
  params: Record<string, string>;
}

function match(pathname: string): Match {
  const exact = ROUTES.filter((r) => r.path === pathname);
  if (exact.length > 0) return { routes: exact, params: {} };
  for (const r of ROUTES) {
    if (typeof r.path === 'string') continue;
    const m = r.path.exec(pathname);
    if (m) {
      const routes = ROUTES.filter((x) => x.path === r.path);
      const params: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const [k, v] of Object.entries(m.groups ?? {})) params[k] = decodeURIComponent(v);
      return { routes, params };
    }
  }
  return { routes: [], params: {} };
}

export async function dispatch(app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://server.invalid');
    } catch {
      throw new HttpError(400, 'invalid_request', 'the request target is not a valid URL');
    }
    let found: Match;
    try {
      found = match(url.pathname);
    } catch {
      throw new HttpError(400, 'invalid_request', 'the path is not valid percent-encoding');
    }
    if (found.routes.length === 0)
      throw new HttpError(404, 'not_found', `no endpoint ${url.pathname}`);
    const route = found.routes.find((r) => r.method === req.method);
    if (!route) {
      const allow = found.routes.map((r) => r.method).join(', ');
      throw new HttpError(
        405,
        'method_not_allowed',
        `${req.method ?? '?'} is not allowed here; use ${allow}`,
        {
          headers: { Allow: allow },
        },
      );
    }
    const principal = route.role === null ? null : app.tokens.authenticate(req, route.role);
    if (principal && app.limiter) {
      const taken = app.limiter.take(principal.key);
      if (!taken.ok) {
        throw new HttpError(
          429,
          'rate_limited',
          `too many requests; try again in ${taken.retryAfterSeconds} s`,
          {
            headers: { 'Retry-After': String(taken.retryAfterSeconds) },
            retryable: true,
          },
        );
      }
    }
    await route.handler({ app, req, res, url, principal, params: found.params });
  } catch (error) {
    if (error instanceof HttpError) {
      await sendError(req, res, error);
      return;
    }
    app.log(
      `internal error on ${req.method} ${req.url}: ${(error as Error)?.stack ?? String(error)}`,
    );
    await sendError(
      req,
      res,
      new HttpError(500, 'internal', 'the server failed; try again later', { retryable: true }),
    );
  }
}
