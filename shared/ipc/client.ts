// The error shape in zod's tree-shakable build (app-error.ts says why).
import { AppErrorShape, type AppError } from '../app-error';
import type { Channel, EventName, EventPayload, RequestIn, ResponseOf } from './contract';
// Names only: importing the contract's values would build every channel's schemas.
import { isChannelName, isEventNameOnly } from './names';

/** How a client reaches main: ipcRenderer in the preload, exposeBinding in e2e tests. */
export interface Transport {
  invoke(channel: Channel, request: unknown): Promise<unknown>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

export interface Api {
  invoke<C extends Channel>(channel: C, request: RequestIn<C>): Promise<ResponseOf<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** A failed call, carrying the error value so the UI can show its words and code. */
export class ApiError extends Error implements AppError {
  readonly code: string;
  readonly retryable: boolean;
  readonly details?: unknown;
  constructor(error: AppError) {
    super(error.message);
    this.name = 'ApiError';
    this.code = error.code;
    this.retryable = error.retryable;
    this.details = error.details;
  }
}

function unwrap(reply: unknown): unknown {
  if (reply && typeof reply === 'object' && 'ok' in reply) {
    if (reply.ok === true && 'value' in reply) return reply.value;
    if (reply.ok === false && 'error' in reply) {
      const parsed = AppErrorShape.safeParse(reply.error);
      if (parsed.success) throw new ApiError(parsed.data);
    }
  }
  throw new ApiError({
    code: 'ipc_malformed_reply',
    message: 'The application core sent a reply the window could not read.',
    retryable: false,
  });
}

/** The one client-building function, shared by the preload and the e2e harness. */
export function buildClient(transport: Transport): Api {
  return {
    async invoke(channel, request) {
      if (!isChannelName(channel)) {
        throw new ApiError({
          code: 'unknown_channel',
          message: `Unknown channel "${String(channel)}".`,
          retryable: false,
        });
      }
      return unwrap(await transport.invoke(channel, request)) as never;
    },
    on(event, listener) {
      if (!isEventNameOnly(event)) throw new Error(`Unknown event "${String(event)}".`);
      return transport.subscribe(event, listener as (payload: unknown) => void);
    },
  };
}
