import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does with one request:
 * - pass: forward untouched
 * - status: answer this status itself; the server never sees the request
 * - reset: cut the connection before forwarding (the server never sees it)
 * - garbage: forward, then answer 200 with a body that is not JSON
 * - truncate: forward, then send half of the real body and cut the connection
 * - cut: forward, then send the headers and the first `afterBytes` bytes of the body, and cut
 * - stall: forward, and never answer (the client's timeout fires)
 */
export type Fault =
  | { kind: 'pass' }
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'reset' }
  | { kind: 'garbage' }
  | { kind: 'truncate' }
  | { kind: 'cut'; afterBytes: number }
  | { kind: 'stall' };

export interface FaultProxy {
  url: string;
  /** Faults for the next bulk-sync requests, in order; then everything passes. */
  bulkSyncFaults: Fault[];
  /** How many bulk-sync requests came through. */
  bulkSyncs: number;
  /** Faults for the next change-feed page reads, in order; then everything passes. */
  changesFaults: Fault[];
  /** Every change-feed read that came through: its `since` (null for the first) and when. */
  changes: { since: string | null; at: number }[];
  close(): Promise<void>;
}

/** An HTTP proxy on 127.0.0.1 in front of the reference server, for chunk-level faults. */
export async function faultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const proxy: FaultProxy = {
    url: '',
    bulkSyncFaults: [],
    bulkSyncs: 0,
    changesFaults: [],
    changes: [],
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    const isBulk = req.url?.startsWith('/api/visitors/bulk-sync') ?? false;
    const isChanges = req.url?.startsWith('/api/visitors/changes') ?? false;
    let fault: Fault = { kind: 'pass' };
    if (isBulk) {
      proxy.bulkSyncs++;
      fault = proxy.bulkSyncFaults.shift() ?? { kind: 'pass' };
    }
    if (isChanges) {
      const since = new URL(req.url!, 'http://proxy').searchParams.get('since');
      proxy.changes.push({ since, at: Date.now() });
      fault = proxy.changesFaults.shift() ?? { kind: 'pass' };
    }
    if (fault.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault.kind === 'status') {
      req.resume();
      req.on('end', () => {
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(
          fault.body ??
            JSON.stringify({
              success: false,
              error: { code: 'injected', message: `injected ${fault.status}` },
            }),
        );
      });
      return;
    }
    forward(req, res, upstream, fault);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

function forward(req: IncomingMessage, res: ServerResponse, upstream: URL, fault: Fault): void {
  const out = request(
    {
      host: upstream.hostname,
      port: upstream.port,
      path: req.url,
      method: req.method,
      headers: req.headers,
    },
    (up) => {
      const parts: Buffer[] = [];
      up.on('data', (c: Buffer) => parts.push(c));
      up.on('end', () => {
        const body = Buffer.concat(parts);
        if (fault.kind === 'garbage') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('<html>502 Bad Gateway from a confused proxy</html>');
          return;
        }
        const headers = { ...up.headers };
        if (fault.kind === 'stall') return;
        if (fault.kind === 'cut') {
          if (fault.afterBytes >= body.length)
            throw new Error('cut: the body is shorter than that');
          res.writeHead(up.statusCode ?? 502, headers);
          res.write(body.subarray(0, fault.afterBytes), () => res.socket?.destroy());
          return;
        }
        if (fault.kind === 'truncate') {
          res.writeHead(up.statusCode ?? 502, headers);
          res.write(body.subarray(0, Math.floor(body.length / 2)));
          setTimeout(() => res.socket?.destroy(), 10);
          return;
        }
        res.writeHead(up.statusCode ?? 502, headers);
        res.end(body);
      });
      up.on('error', () => res.socket?.destroy());
    },
  );
  out.on('error', () => res.socket?.destroy());
  req.pipe(out);
}
