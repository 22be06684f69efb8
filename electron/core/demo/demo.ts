import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AppErrorException, appError, type AppError } from '../../../shared/errors';
import type { DemoStatus } from '../../../shared/ipc/setup-contract';
import type { RunningServer } from '../../../server/index';
import type { Clock } from '../clock';
import type { EventSink } from '../events';
import type { Repos } from '../repos';
import type { SyncEngine } from '../sync/engine';
import { send } from '../sync/transport';
import { VisitorEdits } from '../visitors/visitor-edits';
import { planDemo, type DemoRow } from './demo-plan';

/** Where the demo server keeps its data: next to the console's database, removed with it. */
export const demoDataFile = (dataDir: string) => join(dataDir, 'demo-server.sqlite');

/** Visitors the demo server is seeded with: enough for paging and search to mean something. */
export const DEMO_VISITORS = 2_000;
/** Field activity from "other devices" while the demo runs. */
export const DEMO_ACTIVITY_EVERY_MS = 45_000;

export interface DemoDeps {
  repos: Repos;
  sync: SyncEngine;
  clock: Clock;
  events: EventSink;
  /** Where the demo server keeps its data (next to the console's database). */
  dataDir: string;
  onChange(status: DemoStatus): void;
  /** Smaller demos for tests. */
  visitors?: number;
}

const OFF: DemoStatus = {
  state: 'off',
  step: null,
  serverUrl: null,
  visitors: 0,
  conflicts: 0,
  retrying: 0,
  error: null,
};

/**
 * The demo default: the reference server started in this process on
 * 127.0.0.1 (a free port), seeded with generated visitors, with its
 * field-activity simulator running, and the engine connected to it. The first
 * time, it walks through a scripted day so a newcomer sees the mirror fill, a
 * sync's progress, conflicts of each kind and retries within a minute.
 */
export class DemoController {
  private server: RunningServer | null = null;
  private current: DemoStatus = OFF;
  private starting: Promise<DemoStatus> | null = null;
  private stopped = false;

  constructor(private readonly deps: DemoDeps) {}

  status(): DemoStatus {
    return this.current;
  }

  /** Starts (or resumes) the demo; a second call while starting gets the same answer. */
  start(): Promise<DemoStatus> {
    if (this.server && this.current.state === 'running') return Promise.resolve(this.current);
    this.stopped = false;
    this.starting ??= this.run().finally(() => (this.starting = null));
    return this.starting;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const server = this.server;
    this.server = null;
    if (server) {
      this.deps.sync.cancel();
      this.deps.sync.configure(null);
      await server.stop();
    }
    this.set({ ...OFF });
  }

  private async run(): Promise<DemoStatus> {
    const { sync } = this.deps;
    try {
      this.set({ ...OFF, state: 'starting', step: 'server' });
      const staff = `demo-staff-${randomBytes(16).toString('hex')}`;
      const admin = `demo-admin-${randomBytes(16).toString('hex')}`;
      // Loaded when the demo starts: Fastify and its plugins are a third of the
      // core's start-up, and most consoles never run the demo.
      const { startServer } = await import('../../../server/index');
      const server = await startServer({
        host: '127.0.0.1',
        port: 0,
        // A file next to the console's database, so a restart finds the same demo world.
        db: demoDataFile(this.deps.dataDir),
        seed: this.deps.visitors ?? DEMO_VISITORS,
        tokens: [
          { token: staff, role: 'staff', name: 'Demo front desk' },
          { token: admin, role: 'admin', name: 'Demo administrator' },
        ],
        simulateEveryMs: DEMO_ACTIVITY_EVERY_MS,
        simulateRound: { edits: 4, deletes: 0, creates: 1 },
      });
      if (this.stopped) {
        await server.stop();
        return this.current;
      }
      this.server = server;
      const firstTime = server.seeded > 0;
      this.set({ serverUrl: server.url, visitors: this.deps.visitors ?? DEMO_VISITORS });
      // The console syncs with the least privilege a field device has: staff.
      sync.configure({ serverUrl: server.url, token: staff });
      sync.startBackground();

      this.set({ step: 'mirror' });
      await this.syncOnce();
      if (firstTime) {
        this.set({ step: 'activity' });
        await this.scriptedDay(server, admin);
        this.set({ step: 'sync' });
        await this.syncOnce();
      }
      this.set({ state: 'running', step: 'ready', ...this.counts() });
    } catch (err) {
      const error: AppError =
        err instanceof AppErrorException
          ? err.error
          : appError('demo_failed', `The demo could not start: ${(err as Error).message}`, true);
      this.set({ state: 'failed', error });
    }
    return this.current;
  }

  private async syncOnce(): Promise<void> {
    const summary = await this.deps.sync.sync('demo');
    if (summary.outcome === 'failed' || summary.outcome === 'auth_error')
      throw new AppErrorException(
        summary.lastError ?? appError('demo_failed', 'The demo sync failed.', true),
      );
  }

  /** Edits here, other devices' edits there, one create that the server refuses twice. */
  private async scriptedDay(server: RunningServer, adminToken: string): Promise<void> {
    const { repos, clock, events } = this.deps;
    const { visitors, outbox } = repos;
    const edits = new VisitorEdits(repos, clock);
    const rows: DemoRow[] = visitors
      .page({ search: '', sort: { column: 'name', direction: 'asc' }, offset: 0, limit: 200 })
      .rows.filter((r) => r.serverId !== null && r.pending === null)
      .map((r) => ({
        localId: r.localId,
        serverId: r.serverId!,
        title: r.title ?? null,
        company: r.company ?? null,
      }));
    const plan = planDemo(rows);
    const touched: string[] = [];
    for (const e of plan.localEdits) touched.push(edits.update(e.localId, e.patch).localId);
    for (const id of plan.localDeletes) touched.push(edits.delete(id).localId);
    const created = plan.localCreates.map((values) => edits.create(values).localId);
    touched.push(...created);
    events.emit('visitors:changed', { localIds: touched });
    events.emit('outbox:changed', outbox.counts());

    // Other devices, through the server's own admin endpoint, as a real device's edits would arrive.
    const res = await send(new URL('/api/admin/visitors', server.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ visitors: plan.serverChanges }),
      timeoutMs: 15_000,
    });
    if (!res.ok) throw new AppErrorException(res.error);
    if (res.reply.status !== 200)
      throw new AppErrorException(
        appError(
          'demo_failed',
          `The demo server refused the scripted edits (HTTP ${res.reply.status}).`,
        ),
      );
    // And the simulator's random field activity on top, as any busy day has.
    await server.simulate({
      edits: 20,
      deletes: 2,
      creates: 5,
      seedValue: 7,
      fields: ['company', 'email', 'interests'],
    });
    // The first new visitor meets a busy server twice, then goes through: the retry queue at work.
    if (created[0])
      server.faults.set({
        failOperations: { localIdPrefix: created[0], count: 2, phase: 'after' },
      });
  }

  private counts(): Pick<DemoStatus, 'conflicts' | 'retrying'> {
    return {
      conflicts: this.deps.repos.conflicts.openCount(),
      retrying: this.deps.repos.outbox.counts().retrying,
    };
  }

  private set(patch: Partial<DemoStatus>): void {
    this.current = { ...this.current, ...patch };
    this.deps.onChange(this.current);
  }
}
