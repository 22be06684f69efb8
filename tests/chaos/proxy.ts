import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of the sync server. It sees bytes, not
 * requests, so it can cut a response after exactly N bytes (inside the
 * headers or the body), hold a response back, deliver a request twice, or run
 * a hook at the exact moment the k-th request of a route arrives or its
 * response starts. The client is an HTTP/1.1 client without pipelining, so a
 * response on a connection belongs to the last request that started on it.
 */

export type Route = 'bulk-sync' | 'changes' | 'other';

export type Action =
  /** Forward the first `afterBytes` bytes of the response, then cut both sides. */
  | { kind: 'cut'; afterBytes: number }
  /** Forward the request; never forward its response (the client times out). */
  | { kind: 'stall' }
  /** Forward the request, and once its response starts, send the same bytes again on a new connection. */
  | { kind: 'duplicate' }
  /** Run `run` before the request goes on (`request`) or when its response starts (`response`). */
  | {
      kind: 'hook';
      when: 'request' | 'response';
      run: () => Promise<void>;
      dropResponse?: boolean;
    };

export interface Plan {
  route: Route;
  /** 1-based: the k-th request of that route since the plan was set. */
  index: number;
  action: Action;
}

export interface ChaosProxy {
  url: string;
  /** Arms one fault; counting of requests starts again from here. */
  arm(plan: Plan): void;
  disarm(): void;
  /** Whether the armed fault has fired (the moment came). */
  fired(): boolean;
  /** Status lines of replayed (duplicated) requests, once their answers arrived. */
  replays(): Promise<string[]>;
  close(): Promise<void>;
}

const REQUEST_LINE = /^(GET|POST|PUT|PATCH|DELETE) (\S+) HTTP\/1\.[01]\r\n/;

function routeOf(path: string): Route {
  if (path.startsWith('/api/visitors/bulk-sync')) return 'bulk-sync';
  if (path.startsWith('/api/visitors/changes')) return 'changes';
  return 'other';
}

interface Exchange {
  action: Action | null;
  request: Buffer[];
  responseBytes: number;
  responseStarted: boolean;
}

export async function chaosProxy(target: { host: string; port: number }): Promise<ChaosProxy> {
  let plan: Plan | null = null;
  let counts: Record<Route, number> = { 'bulk-sync': 0, changes: 0, other: 0 };
  let fired = false;
  const replays: Promise<string>[] = [];
  const sockets = new Set<Socket>();

  const replay = (bytes: Buffer): Promise<string> =>
    new Promise((resolve) => {
      const s = connect(target.port, target.host, () => s.write(bytes));
      sockets.add(s);
      let head = '';
      s.on('data', (d: Buffer) => {
        head += d.toString('latin1');
        if (head.includes('\r\n')) {
          // The server commits before it answers: the first line means the second delivery was handled.
          resolve(head.slice(0, head.indexOf('\r\n')));
          s.destroy();
        }
      });
      s.on('error', (e) => resolve(`replay failed: ${e.message}`));
      s.on('close', () => resolve(head ? head.split('\r\n')[0]! : 'replay: connection closed'));
    });

  const server: Server = createServer((client) => {
    sockets.add(client);
    const upstream = connect(target.port, target.host);
    sockets.add(upstream);
    let current: Exchange = { action: null, request: [], responseBytes: 0, responseStarted: false };
    let chain = Promise.resolve();
    const destroyBoth = () => {
      client.destroy();
      upstream.destroy();
    };

    client.on('data', (chunk: Buffer) => {
      const m = REQUEST_LINE.exec(chunk.toString('latin1', 0, Math.min(chunk.length, 300)));
      let hook: (() => Promise<void>) | null = null;
      if (m) {
        const route = routeOf(m[2]!);
        counts[route]++;
        let action: Action | null = null;
        if (plan && !fired && plan.route === route && plan.index === counts[route]) {
          action = plan.action;
          // A cut fires when its byte comes; a hook on the response when the response starts.
          if (action.kind === 'stall' || action.kind === 'duplicate') fired = true;
          if (action.kind === 'hook' && action.when === 'request') fired = true;
          if (action.kind === 'hook' && action.when === 'request') hook = action.run;
        }
        current = { action, request: [], responseBytes: 0, responseStarted: false };
      }
      const exchange = current;
      client.pause();
      chain = chain.then(async () => {
        if (hook) await hook();
        if (exchange.action?.kind === 'duplicate') exchange.request.push(chunk);
        if (!upstream.destroyed) upstream.write(chunk);
        client.resume();
      });
    });

    upstream.on('data', (chunk: Buffer) => {
      const exchange = current;
      const action = exchange.action;
      const first = !exchange.responseStarted;
      exchange.responseStarted = true;
      if (action?.kind === 'stall') return;
      if (action?.kind === 'duplicate' && first)
        replays.push(replay(Buffer.concat(exchange.request)));
      if (action?.kind === 'hook' && action.when === 'response' && first) {
        fired = true;
        upstream.pause();
        void action.run().then(() => {
          if (action.dropResponse) destroyBoth();
          else {
            client.write(chunk);
            upstream.resume();
          }
        });
        return;
      }
      if (action?.kind === 'cut') {
        const room = action.afterBytes - exchange.responseBytes;
        if (chunk.length >= room) {
          fired = true;
          client.write(chunk.subarray(0, room), () => destroyBoth());
          exchange.action = { kind: 'stall' }; // nothing more of it gets through
          return;
        }
      }
      exchange.responseBytes += chunk.length;
      client.write(chunk);
    });

    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    arm(p) {
      plan = p;
      fired = false;
      counts = { 'bulk-sync': 0, changes: 0, other: 0 };
    },
    disarm() {
      plan = null;
    },
    fired: () => fired,
    replays: () => Promise.all(replays),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
