/** The retry queue and failed operations (issue 6): its part of the channel and event maps in contract.ts. */

export const queueChannels = {} as const;

export const queueEvents = {} as const;
