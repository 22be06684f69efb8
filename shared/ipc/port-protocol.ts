import * as z from 'zod/mini';
import type { IpcResult } from './contract';

/**
 * The messages between a window and the core, over a MessagePort (Electron)
 * or any other message channel (the test harness's child process). One
 * call, one reply with the same id; events have no id.
 */
// In zod's tree-shakable build: the preload imports this module, and the full build
// was most of what each window's preload had to parse (app-error.ts).
export const CallMessageSchema = z.strictObject({
  t: z.literal('call'),
  id: z.int().check(z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER)),
  channel: z.string().check(z.maxLength(200)),
  request: z.unknown(),
});
export type CallMessage = z.infer<typeof CallMessageSchema>;

export interface ReplyMessage {
  t: 'reply';
  id: number;
  result: IpcResult<unknown>;
}

export interface EventMessage {
  t: 'event';
  event: string;
  payload: unknown;
}

/** One end of a message channel, whatever carries it. */
export interface MessageEndpoint {
  post(message: unknown): void;
  /** Starts delivery to `listener`; returns how to stop it. */
  listen(listener: (message: unknown) => void): () => void;
}

/** The part of a DOM MessagePort (the preload's end) that an endpoint needs. */
export interface DomPortLike {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

export function domPortEndpoint(port: DomPortLike): MessageEndpoint {
  return {
    post: (message) => port.postMessage(message),
    listen(listener) {
      // Assigning onmessage starts the port.
      port.onmessage = (event) => listener(event.data);
      return () => {
        port.onmessage = null;
        port.close();
      };
    },
  };
}
