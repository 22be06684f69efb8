import { appError } from '../../../shared/errors';
import type { EventName, EventPayload } from '../../../shared/ipc/contract';
import {
  CallMessageSchema,
  type EventMessage,
  type MessageEndpoint,
  type ReplyMessage,
} from '../../../shared/ipc/port-protocol';
import type { EventSink } from '../events';
import { dispatch, type Handlers } from '../ipc/dispatch';

/**
 * Serves the handler table on the ports the parent process handed over (one
 * per window), and sends the core's events to all of them. It never opens a
 * port itself: only main (or the test harness) decides who may talk to the
 * core. Every call goes through dispatch: the channel must exist, the
 * argument is parsed with its schema, and the reply is a value.
 */
export class CoreHost implements EventSink {
  private readonly endpoints = new Map<MessageEndpoint, () => void>();
  private handlers: Handlers | null = null;
  /** Calls that arrive before the core is ready wait here (the window may connect first). */
  private readonly early: Array<() => void> = [];

  constructor(private readonly log: (message: string) => void = () => undefined) {}

  /** The table to serve; calls that came in before it are answered now. */
  setHandlers(handlers: Handlers): void {
    this.handlers = handlers;
    this.early.splice(0).forEach((run) => run());
  }

  serve(endpoint: MessageEndpoint): () => void {
    const stop = endpoint.listen((message) => this.onMessage(endpoint, message));
    const close = () => {
      stop();
      this.endpoints.delete(endpoint);
    };
    this.endpoints.set(endpoint, close);
    return close;
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const message: EventMessage = { t: 'event', event, payload };
    for (const endpoint of this.endpoints.keys()) this.post(endpoint, message);
  }

  close(): void {
    for (const close of [...this.endpoints.values()]) close();
  }

  private onMessage(endpoint: MessageEndpoint, raw: unknown): void {
    const parsed = CallMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const id = (raw as { id?: unknown } | null)?.id;
      this.log(`refused a malformed message from a window: ${describe(raw)}`);
      if (typeof id === 'number' && Number.isSafeInteger(id))
        this.post(endpoint, {
          t: 'reply',
          id,
          result: {
            ok: false,
            error: appError('invalid_message', 'The core could not read this call.'),
          },
        } satisfies ReplyMessage);
      return;
    }
    const { id, channel, request } = parsed.data;
    const run = () =>
      void dispatch(this.handlers!, channel, request).then((result) =>
        this.post(endpoint, { t: 'reply', id, result } satisfies ReplyMessage),
      );
    if (this.handlers) run();
    else this.early.push(run);
  }

  private post(endpoint: MessageEndpoint, message: ReplyMessage | EventMessage): void {
    try {
      endpoint.post(message);
    } catch (err) {
      if ((err as Error).name === 'DataCloneError' && message.t === 'reply') {
        // A value that cannot cross a process boundary is the core's bug: say so, in words.
        this.log(`a reply could not be sent: ${(err as Error).message}`);
        this.post(endpoint, {
          t: 'reply',
          id: message.id,
          result: {
            ok: false,
            error: appError('internal', 'The console could not send this answer to the window.'),
          },
        });
        return;
      }
      // A window that went away; its port is dropped, the others go on.
      this.log(`could not reach a window: ${(err as Error).message}`);
      this.endpoints.get(endpoint)?.();
    }
  }
}

function describe(raw: unknown): string {
  try {
    return JSON.stringify(raw)?.slice(0, 200) ?? String(raw);
  } catch {
    return typeof raw;
  }
}
