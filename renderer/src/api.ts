import type { Api } from '../../shared/ipc/client';

declare global {
  interface Window {
    /** Exposed by the preload (or the e2e harness), built from shared/ipc/contract.ts. */
    api?: Api;
  }
}

export function getApi(): Api {
  if (!window.api)
    throw new Error(
      'The console window was opened without its connection to the application core.',
    );
  return window.api;
}
