/** The conflict workspace (issue 5): its part of the channel and event maps in contract.ts. */

export const conflictChannels = {} as const;

export const conflictEvents = {} as const;
