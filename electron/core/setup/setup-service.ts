import { fail } from '../../../shared/errors';
import type {
  ConnectionTestResult,
  DemoStatus,
  SettingsView,
  SetupState,
} from '../../../shared/ipc/setup-contract';
import type { SyncStatus } from '../../../shared/ipc/contract';
import type { SettingsPatch } from '../../../shared/settings';
import { testConnection } from '../connection/connection-test';
import type { DemoController } from '../demo/demo';
import type { EventSink } from '../events';
import type { SettingsService } from '../settings/settings-service';
import type { TokenVault } from '../settings/token-vault';
import type { SyncEngine } from '../sync/engine';
import type { DesktopPort } from '../desktop/desktop-port';

export interface SetupDeps {
  settings: SettingsService;
  vault: TokenVault;
  sync: SyncEngine;
  demo: DemoController;
  events: EventSink;
  desktop: DesktopPort;
}

/**
 * The ways into the console (connect to a server, try the demo, set up
 * later) and what the window needs to know about them. Plain Node: the
 * settings, the token's encryption and the desktop come in as interfaces.
 */
export class SetupService {
  constructor(private readonly deps: SetupDeps) {}

  state(): SetupState {
    const { settings, vault, sync, demo } = this.deps;
    const s = settings.get();
    const status = sync.status();
    return {
      welcome: !s.welcomeDone,
      connection: s.connection,
      tokenStorage: vault.storage(),
      tokenMissing: s.connection.kind === 'server' && !status.configured,
      tokenProblem: vault.problem(),
      settingsProblem: settings.problem(),
      demo: demo.status(),
      startupProblem: null,
    };
  }

  emitState = (): void => {
    try {
      this.deps.events.emit('setup:state', this.state());
    } catch {
      // The database closed under a late demo event while the console shuts down: nobody is listening.
    }
  };

  settingsView(): SettingsView {
    return {
      settings: this.deps.settings.get(),
      problem: this.deps.settings.problem(),
      location: this.deps.settings.location,
      tokenStorage: this.deps.vault.storage(),
    };
  }

  updateSettings(patch: SettingsPatch): SettingsView {
    this.deps.settings.update(patch);
    return this.settingsView();
  }

  resetSettings(): SettingsView {
    this.deps.settings.resetPreferences();
    return this.settingsView();
  }

  testConnection(req: { serverUrl: string; token: string }): Promise<ConnectionTestResult> {
    return testConnection(req);
  }

  /** Tests first; only a server that answers GET /api/me with this token is saved. */
  async connect(req: { serverUrl: string; token: string }): Promise<SetupState> {
    this.refuseWhileDemo('connect to a server');
    const result = await testConnection(req);
    if (!result.ok) fail(`connection_${result.problem}`, `${result.message} ${result.hint}`);
    const { settings, vault, sync } = this.deps;
    await vault.save(req.token);
    settings.setConnection({ kind: 'server', serverUrl: result.serverUrl });
    sync.configure({ serverUrl: result.serverUrl, token: req.token });
    this.emitState();
    return this.state();
  }

  /**
   * The Sync screen's connection for this session (sync:connect): the engine
   * only, nothing saved. Refused while the demo owns the database, like connect.
   */
  connectSession(connection: { serverUrl: string; token: string }): SyncStatus {
    this.refuseWhileDemo('connect to a server');
    return this.deps.sync.configure(connection);
  }

  async startDemo(): Promise<DemoStatus> {
    const c = this.deps.settings.get().connection;
    if (c.kind === 'server')
      fail(
        'connected_to_server',
        'The console is connected to your server, so its database holds your visitors: the demo would send them to the demo server. Disconnect in Settings first.',
      );
    const status = await this.deps.demo.start();
    if (status.state === 'running') this.deps.settings.setConnection({ kind: 'demo' });
    this.emitState();
    return status;
  }

  skipWelcome(): SetupState {
    const { settings } = this.deps;
    settings.setConnection(settings.get().connection, true);
    this.emitState();
    return this.state();
  }

  /**
   * Forgets the server and the token. Leaving the demo also needs a fresh
   * database (demo visitors must never reach a real server), so the shell
   * restarts the console without it.
   */
  async disconnect(): Promise<SetupState> {
    const { settings, vault, sync, demo, desktop } = this.deps;
    if (settings.get().connection.kind === 'demo') {
      await demo.stop();
      settings.setConnection({ kind: 'none' }, false);
      if (!desktop.relaunch({ resetDatabase: true }))
        fail(
          'restart_needed',
          'The demo was stopped. Its visitors stay in this database until the console restarts with a fresh one; restart the console before connecting to your server.',
        );
      return this.state();
    }
    vault.clear();
    sync.configure(null);
    settings.setConnection({ kind: 'none' }, false);
    this.emitState();
    return this.state();
  }

  /** At start: reconnects with the saved token, or brings the demo back. */
  async resume(): Promise<void> {
    const { settings, vault, sync, demo } = this.deps;
    const c = settings.get().connection;
    if (c.kind === 'server') {
      const token = await vault.load();
      if (token) sync.configure({ serverUrl: c.serverUrl, token });
    } else if (c.kind === 'demo') {
      this.emitState();
      await demo.start();
    }
    this.emitState();
  }

  async dispose(): Promise<void> {
    await this.deps.demo.stop();
  }

  /** Demo visitors must never reach a real server: the demo's database is its own until it is left. */
  private refuseWhileDemo(what: string): void {
    const demoState = this.deps.demo.status().state;
    if (
      this.deps.settings.get().connection.kind === 'demo' ||
      demoState === 'starting' ||
      demoState === 'running'
    )
      fail(
        'demo_running',
        `The console is running the demo, and its database holds demo visitors that must not reach your server. To ${what}, choose Leave the demo in Settings first (the console restarts with a fresh database).`,
      );
  }
}
