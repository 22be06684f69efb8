import type { MessageEndpoint } from '../../../shared/ipc/port-protocol';

/**
 * How the core process talks to whoever started it. In the app that is
 * Electron's main process over `process.parentPort`, and every window (and
 * the desktop) gets a real MessagePort of its own. Under tests the same core
 * runs as a plain Node child process: there is one IPC channel, and the
 * windows' and the desktop's messages travel on it tagged with a name.
 */
export interface ParentLink {
  /** Control messages, with the port that came along (Electron) or a named virtual one. */
  onControl(listener: (message: unknown, port: MessageEndpoint | null) => void): void;
  notify(message: unknown): void;
}

/** The part of Electron's MessagePortMain the core uses (the core never imports electron). */
interface PortMainLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): unknown;
  off(event: 'message', listener: (e: { data: unknown }) => void): unknown;
  start(): void;
  close(): void;
}

interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown; ports: PortMainLike[] }) => void): unknown;
  postMessage(message: unknown): void;
}

export function portMainEndpoint(port: PortMainLike): MessageEndpoint {
  return {
    post: (message) => port.postMessage(message),
    listen(listener) {
      const handler = (e: { data: unknown }) => listener(e.data);
      port.on('message', handler);
      port.start();
      return () => {
        port.off('message', handler);
        port.close();
      };
    },
  };
}

function electronParent(parentPort: ParentPortLike): ParentLink {
  return {
    onControl(listener) {
      parentPort.on('message', (e) => {
        const port = e.ports?.[0];
        listener(e.data, port ? portMainEndpoint(port) : null);
      });
    },
    notify: (message) => parentPort.postMessage(message),
  };
}

type Envelope = { via: string; data: unknown; port?: string };

function nodeParent(): ParentLink {
  const send = (envelope: Envelope) => process.send?.(envelope);
  const virtual = (name: string): MessageEndpoint => ({
    post: (data) => send({ via: name, data }),
    listen(listener) {
      const handler = (m: unknown) => {
        const e = m as Envelope | null;
        if (e && e.via === name) listener(e.data);
      };
      process.on('message', handler);
      return () => void process.off('message', handler);
    },
  });
  return {
    onControl(listener) {
      process.on('message', (m: unknown) => {
        const e = m as Envelope | null;
        if (!e || e.via !== 'control') return;
        listener(e.data, typeof e.port === 'string' ? virtual(e.port) : null);
      });
    },
    notify: (data) => send({ via: 'control', data }),
  };
}

/** The link this process has: Electron's parent port, a Node IPC channel, or none. */
export function parentLink(): ParentLink | null {
  const parentPort = (process as { parentPort?: ParentPortLike }).parentPort;
  if (parentPort) return electronParent(parentPort);
  if (typeof process.send === 'function') return nodeParent();
  return null;
}
