import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Closes connections on which nothing has moved, in either direction, for
 * `idleMs`, unless the server itself is still working on one of their
 * requests. This is what catches a client that stops reading its responses:
 * Node's own timers do not (after the first response of a pipelined
 * connection it applies keepAliveTimeout even while later responses are
 * stuck, and socket.setTimeout would also cut a request that is merely slow
 * to compute). Silent and slow request heads are Node's headersTimeout, slow
 * bodies its requestTimeout.
 */
export interface Watchdog {
  /** The server started working on a request of this socket. */
  begin(socket: Socket): void;
  /** It finished (its response is written, or the request was dropped). */
  end(socket: Socket): void;
  stop(): void;
}

interface Watched {
  read: number;
  written: number;
  quietSinceMs: number;
  working: number;
}

export function watchConnections(server: Server, idleMs: number): Watchdog {
  const sockets = new Map<Socket, Watched>();
  server.on('connection', (socket: Socket) => {
    sockets.set(socket, { read: 0, written: 0, quietSinceMs: Date.now(), working: 0 });
    socket.once('close', () => sockets.delete(socket));
  });
  const timer = setInterval(
    () => {
      const now = Date.now();
      for (const [socket, w] of sockets) {
        // bytesWritten counts what is queued too: a stuck write stops moving it.
        if (socket.bytesRead !== w.read || socket.bytesWritten !== w.written || w.working > 0) {
          w.read = socket.bytesRead;
          w.written = socket.bytesWritten;
          w.quietSinceMs = now;
        } else if (now - w.quietSinceMs >= idleMs) {
          socket.destroy();
        }
      }
    },
    Math.max(50, Math.min(1_000, Math.floor(idleMs / 4))),
  );
  timer.unref();
  return {
    begin(socket) {
      const w = sockets.get(socket);
      if (w) w.working++;
    },
    end(socket) {
      const w = sockets.get(socket);
      if (w && w.working > 0) w.working--;
    },
    stop: () => clearInterval(timer),
  };
}
