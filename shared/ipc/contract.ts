import type { z } from 'zod';
import type { AppError } from '../errors';
import type { ChannelName, EventNameOnly } from './names';
import { appChannels, appEvents } from './app-contract';
import { conflictChannels, conflictEvents } from './conflicts-contract';
import { importChannels, importEvents } from './import-contract';
import { jobsChannels, jobsEvents } from './jobs-contract';
import { queueChannels, queueEvents } from './queue-contract';
import { setupChannels, setupEvents } from './setup-contract';
import { syncChannels, syncEvents } from './sync-contract';
import { updatesChannels, updatesEvents } from './updates-contract';
import { visitorsChannels, visitorsEvents } from './visitors-contract';

// The visitors' and sync's schemas are used everywhere; the other parts are imported from their files.
export * from './sync-contract';
export * from './visitors-contract';

/**
 * The one description of the boundary between the window and the core. The
 * preload, the core's host, the renderer's client and the test harnesses are
 * all derived from these two maps. Each area has its part (channels, events
 * and the schemas they use) in `<area>-contract.ts`, and its handlers in
 * `electron/core/ipc/<area>-handlers.ts`: adding a channel is one entry in
 * the part plus one handler beside it.
 */
export const channels = {
  ...appChannels,
  ...visitorsChannels,
  ...syncChannels,
  ...conflictChannels,
  ...queueChannels,
  ...setupChannels,
  ...jobsChannels,
  ...importChannels,
  ...updatesChannels,
} as const;

/** What the core pushes to the window. */
export const events = {
  ...appEvents,
  ...visitorsEvents,
  ...syncEvents,
  ...conflictEvents,
  ...queueEvents,
  ...setupEvents,
  ...jobsEvents,
  ...importEvents,
  ...updatesEvents,
} as const;

export type Channels = typeof channels;
export type Channel = keyof Channels;
export type EventName = keyof typeof events;
/** What a caller passes (before defaults). */
export type RequestIn<C extends Channel> = z.input<Channels[C]['request']>;
/** What a handler receives (after parsing and defaults). */
export type RequestOf<C extends Channel> = z.output<Channels[C]['request']>;
export type ResponseOf<C extends Channel> = z.output<Channels[C]['response']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const CHANNELS = Object.keys(channels) as Channel[];
export const EVENTS = Object.keys(events) as EventName[];

/** true when A and B are the same set of names, never otherwise. */
type SameNames<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// names.ts lists the names alone for the window's client (it need not build
// the schemas to check a name): a channel or event added here and not there,
// or the other way, fails to compile.
const namesMatch: SameNames<Channel, ChannelName> & SameNames<EventName, EventNameOnly> = true;
void namesMatch;

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.hasOwn(channels, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** Every reply is one of these: errors travel as values, never as thrown strings. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: AppError };
