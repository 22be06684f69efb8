import { AppErrorException, appError, type AppError } from '../../../shared/errors';
import type { UpdateStatus } from '../../../shared/ipc/updates-contract';
import type { EventSink } from '../events';
import type { UpdaterPort } from './desktop-port';
import {
  initialUpdates,
  stepUpdates,
  type UpdateEffect,
  type UpdateInput,
  type UpdateModel,
} from './update-policy';

/**
 * Runs update-policy.ts: feeds it what happens (the core ready, the menu,
 * sync runs starting and ending, the updater's answers), carries out the
 * steps it decides through the desktop's updater, and tells the windows
 * (`updates:status`) whenever where it stands changes.
 */
export class UpdateService {
  private model: UpdateModel;

  constructor(private readonly deps: { updater: UpdaterPort | undefined; events: EventSink }) {
    this.model = initialUpdates(deps.updater !== undefined);
  }

  status(): UpdateStatus {
    return this.model.status;
  }

  send(input: UpdateInput): UpdateStatus {
    const before = this.model.status;
    const { model, effects } = stepUpdates(this.model, input);
    this.model = model;
    if (model.status !== before) this.deps.events.emit('updates:status', model.status);
    for (const effect of effects) this.run(effect);
    return model.status;
  }

  /** The engine's status pushes say when a run starts and ends. */
  syncRunning(running: boolean): void {
    if (running !== this.model.syncing) this.send({ type: running ? 'syncStarted' : 'syncEnded' });
  }

  private run(effect: UpdateEffect): void {
    const updater = this.deps.updater;
    if (!updater) return;
    const failed = (err: unknown) => this.send({ type: 'failed', error: updateError(effect, err) });
    try {
      if (effect === 'check')
        updater.check().then((offer) => this.send({ type: 'checked', offer }), failed);
      else if (effect === 'download')
        updater.download().then(() => this.send({ type: 'downloaded' }), failed);
      else updater.install();
    } catch (err) {
      failed(err);
    }
  }
}

const WHAT: Record<UpdateEffect, string> = {
  check: 'The check for updates failed',
  download: 'The update could not be downloaded',
  install: 'The update could not be installed',
};

/** In words, with what to do: the updater's own message is only a detail. */
function updateError(effect: UpdateEffect, err: unknown): AppError {
  const cause = err instanceof AppErrorException ? err.error.message : String(err);
  return appError(
    `update_${effect}_failed`,
    `${WHAT[effect]} (${cause.slice(0, 300)}). Check the connection and try Help › Check for Updates… again.`,
    true,
  );
}
