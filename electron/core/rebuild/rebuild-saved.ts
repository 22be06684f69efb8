import { fail } from '../../../shared/errors';
import type { RebuildSummary } from '../../../shared/rebuild';
import type { Settings } from '../../../shared/settings';
import type { TokenVault } from '../settings/token-vault';
import { toSyncSettings } from '../settings/sync-settings';
import type { SyncConnection, SyncSettings } from '../sync/engine';
import { rebuildDatabase } from './rebuild';

/**
 * The damaged-database screen's rebuild: from the server the console is
 * connected to (its saved settings) with the saved token, or with one the
 * person types when none is saved on this computer.
 */
export async function rebuildWithSavedConnection(deps: {
  dbPath: string;
  settings: () => Settings;
  vault: TokenVault;
  /** Typed on the screen; kept like a token entered on connecting, once the rebuild worked. */
  token?: string;
  /** Tests only: the engine's settings instead of the person's. */
  syncSettings?: SyncSettings;
}): Promise<{ summary: RebuildSummary; connection: SyncConnection }> {
  const settings = deps.settings();
  const c = settings.connection;
  if (c.kind !== 'server')
    fail(
      'rebuild_no_server',
      c.kind === 'demo'
        ? 'This is the demo’s database: there is no server of yours to rebuild it from. Open the data folder, move visitors.sqlite aside, and choose Try again.'
        : 'No sync server is set up in this console, so there is nothing to rebuild from. Open the data folder, move visitors.sqlite aside, and choose Try again to start with an empty database.',
    );
  const token = deps.token ?? (await deps.vault.load());
  if (!token) {
    const why = deps.vault.problem();
    fail(
      'rebuild_token_missing',
      `The token for ${c.serverUrl} is not saved on this computer${why ? ` (${why})` : ''}. Enter it to rebuild.`,
    );
  }
  const connection = { serverUrl: c.serverUrl, token };
  const summary = await rebuildDatabase({
    dbPath: deps.dbPath,
    connection,
    settings: deps.syncSettings ?? toSyncSettings(settings),
  });
  if (deps.token) await deps.vault.save(deps.token);
  return { summary, connection };
}
