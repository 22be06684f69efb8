import type { EventName, EventPayload } from '../../shared/ipc/contract';

/**
 * Where the core's pushes go: the host sends them to every window port it
 * serves; tests collect them. The core never knows which.
 */
export interface EventSink {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}
