import { existsSync } from 'node:fs';
import { AppErrorException } from '../../../shared/errors';
import type { Channel, RequestIn, ResponseOf } from '../../../shared/ipc/contract';
import { startCore, type Core } from '../core';
import { dispatch } from '../ipc/dispatch';
import { CliError, EXIT } from './args';
import { rethrowOpenError } from './database';

/**
 * A core over an existing database for one command: the workspace's own
 * channels, with their schemas, exactly as the window calls them.
 */
export interface CoreSession {
  core: Core;
  call<C extends Channel>(channel: C, request: RequestIn<C>): Promise<ResponseOf<C>>;
  close(): void;
}

export function openCoreSession(dbPath: string, appVersion = 'cli'): CoreSession {
  if (dbPath !== ':memory:') {
    // startCore would create a missing file; these commands only work on one that exists.
    if (!existsSync(dbPath))
      throw new CliError(`no database at ${dbPath} (check --db)`, EXIT.error);
  }
  const core = rethrowOpenError(() =>
    startCore({ dbPath, appVersion, events: { emit: () => undefined } }),
  );
  return {
    core,
    async call(channel, request) {
      const r = await dispatch(core.handlers, channel, request);
      if (!r.ok) throw new AppErrorException(r.error);
      return r.value as never;
    },
    close: () => core.close(),
  };
}
