import type { AppError } from '../../../shared/errors';
import type { UpdateOffer, UpdateStatus } from '../../../shared/ipc/updates-contract';

/**
 * When the console checks for, downloads and installs an update: a pure
 * state machine, so every rule is unit-tested without Electron.
 * - A check runs once the core is ready and on "Check for updates…".
 * - Nothing starts while a sync run is under way (a restart would cut it
 *   short): the step waits and starts when the run ends.
 * - A release found downloads; once ready, the window shows its notes, and
 *   it installs only when the person says "Restart and install".
 * Failures are values in the state, never thrown.
 */
export interface UpdateModel {
  status: UpdateStatus;
  syncing: boolean;
}

export type UpdateInput =
  | { type: 'coreReady' }
  | { type: 'menuCheck' }
  | { type: 'syncStarted' }
  | { type: 'syncEnded' }
  | { type: 'checked'; offer: UpdateOffer | null }
  | { type: 'downloaded' }
  | { type: 'failed'; error: AppError }
  | { type: 'install' }
  | { type: 'later' };

/** What the caller must do next, through the desktop's updater. */
export type UpdateEffect = 'check' | 'download' | 'install';

export interface UpdateStep {
  model: UpdateModel;
  effects: UpdateEffect[];
}

export function initialUpdates(supported: boolean): UpdateModel {
  const state = supported ? ({ kind: 'idle' } as const) : ({ kind: 'unsupported' } as const);
  return { status: { state, waitingForSync: null, open: false }, syncing: false };
}

export function stepUpdates(model: UpdateModel, input: UpdateInput): UpdateStep {
  const { status } = model;
  const state = status.state;
  const same: UpdateStep = { model, effects: [] };
  const to = (next: Partial<UpdateStatus>): UpdateStep => ({
    model: { ...model, status: { ...status, ...next } },
    effects: [],
  });

  if (input.type === 'syncStarted') return { model: { ...model, syncing: true }, effects: [] };
  if (input.type === 'syncEnded') {
    const ended = { ...model, syncing: false };
    return status.waitingForSync
      ? begin(ended, status.waitingForSync)
      : { model: ended, effects: [] };
  }
  if (state.kind === 'unsupported') {
    // Asked from the menu, the window still says why nothing happens.
    if (input.type === 'menuCheck') return to({ open: true });
    return input.type === 'later' ? to({ open: false }) : same;
  }
  switch (input.type) {
    case 'coreReady':
    case 'menuCheck': {
      const open = input.type === 'menuCheck' || status.open;
      // Already on its way, or waiting for the person: show where it stands, start nothing new.
      if (status.waitingForSync || !['idle', 'upToDate', 'failed'].includes(state.kind))
        return to({ open });
      return begin(to({ open }).model, 'check');
    }
    case 'checked':
      if (state.kind !== 'checking') return same;
      if (!input.offer) return to({ state: { kind: 'upToDate' } });
      return begin(to({ state: { kind: 'available', offer: input.offer } }).model, 'download');
    case 'downloaded':
      if (state.kind !== 'downloading') return same;
      // The notes are shown before anything restarts.
      return to({ state: { kind: 'ready', offer: state.offer }, open: true });
    case 'failed':
      if (!['checking', 'downloading', 'installing'].includes(state.kind)) return same;
      return to({ state: { kind: 'failed', error: input.error }, waitingForSync: null });
    case 'install':
      return state.kind === 'ready' ? begin(model, 'install') : same;
    case 'later': {
      // A ready update stays downloaded; an install held for the sync run is called off.
      const held = status.waitingForSync === 'install' ? null : status.waitingForSync;
      return to({ open: false, waitingForSync: held });
    }
  }
}

/** Starts a step now, or keeps it for the end of the sync run under way. */
function begin(model: UpdateModel, effect: UpdateEffect): UpdateStep {
  const { status } = model;
  if (model.syncing)
    return { model: { ...model, status: { ...status, waitingForSync: effect } }, effects: [] };
  const offer = 'offer' in status.state ? status.state.offer : null;
  const state =
    effect === 'check'
      ? ({ kind: 'checking' } as const)
      : offer && {
          kind: effect === 'download' ? ('downloading' as const) : ('installing' as const),
          offer,
        };
  const next = { ...status, state: state ?? status.state, waitingForSync: null };
  return { model: { ...model, status: next }, effects: state ? [effect] : [] };
}

/** electron-updater's release notes (text, HTML, or one entry per version) as plain, bounded text. */
export function releaseNotesText(notes: unknown): string {
  const parts = Array.isArray(notes)
    ? notes.map(
        (n: { version?: unknown; note?: unknown }) =>
          `${String(n?.version ?? '')}\n${String(n?.note ?? '')}`,
      )
    : [typeof notes === 'string' ? notes : ''];
  const text = parts
    .join('\n\n')
    .replace(/<\/(p|li|h\d)>|<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text.length > 20_000 ? `${text.slice(0, 19_999)}…` : text;
}

/** electron-updater's check result as the offer the core shows; null when this is the newest. */
export function updateOffer(
  found: {
    isUpdateAvailable: boolean;
    updateInfo: { version: string; releaseNotes?: unknown };
  } | null,
): UpdateOffer | null {
  if (!found?.isUpdateAvailable) return null;
  return {
    version: found.updateInfo.version.slice(0, 64),
    notes: releaseNotesText(found.updateInfo.releaseNotes),
  };
}
