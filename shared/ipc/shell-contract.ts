/** The desktop shell: first run, settings, demo (issue 7): its part of the channel and event maps in contract.ts. */

export const shellChannels = {} as const;

export const shellEvents = {} as const;
