import { describe, expect, it } from 'vitest';
import { appError } from '../../shared/errors';
import {
  initialUpdates,
  releaseNotesText,
  stepUpdates,
  updateOffer,
  type UpdateEffect,
  type UpdateInput,
  type UpdateModel,
} from '../../electron/core/desktop/update-policy';

const offer = { version: '1.4.0', notes: 'Faster bulk apply.' };

/** Feeds inputs in order; returns the last model and every effect decided on the way. */
function run(inputs: UpdateInput[], from: UpdateModel = initialUpdates(true)) {
  let model = from;
  const effects: UpdateEffect[] = [];
  for (const input of inputs) {
    const step = stepUpdates(model, input);
    model = step.model;
    effects.push(...step.effects);
  }
  return { model, effects, state: model.status.state };
}

describe('update policy', () => {
  it('checks once the core is ready, downloads a release found, and shows its notes when ready', () => {
    const r = run([{ type: 'coreReady' }, { type: 'checked', offer }, { type: 'downloaded' }]);
    expect(r.effects).toEqual(['check', 'download']);
    expect(r.state).toEqual({ kind: 'ready', offer });
    expect(r.model.status.open).toBe(true);
  });

  it('installs only when the person says so', () => {
    const ready = run([{ type: 'coreReady' }, { type: 'checked', offer }, { type: 'downloaded' }]);
    expect(ready.effects).not.toContain('install');
    const later = run([{ type: 'later' }], ready.model);
    expect(later.effects).toEqual([]);
    expect(later.state.kind).toBe('ready');
    expect(later.model.status.open).toBe(false);
    const install = run([{ type: 'install' }], later.model);
    expect(install.effects).toEqual(['install']);
    expect(install.state).toEqual({ kind: 'installing', offer });
  });

  it('a start-up check finding nothing stays quiet; the menu check opens the dialog to say so', () => {
    const quiet = run([{ type: 'coreReady' }, { type: 'checked', offer: null }]);
    expect(quiet.state.kind).toBe('upToDate');
    expect(quiet.model.status.open).toBe(false);
    const asked = run([{ type: 'menuCheck' }, { type: 'checked', offer: null }], quiet.model);
    expect(asked.effects).toEqual(['check']);
    expect(asked.state.kind).toBe('upToDate');
    expect(asked.model.status.open).toBe(true);
  });

  it('never starts a check during a sync run: it waits for the run to end', () => {
    const during = run([{ type: 'syncStarted' }, { type: 'coreReady' }, { type: 'menuCheck' }]);
    expect(during.effects).toEqual([]);
    expect(during.state.kind).toBe('idle');
    expect(during.model.status.waitingForSync).toBe('check');
    const after = run([{ type: 'syncEnded' }], during.model);
    expect(after.effects).toEqual(['check']);
    expect(after.state.kind).toBe('checking');
    expect(after.model.status.waitingForSync).toBeNull();
  });

  it('never starts a download during a sync run', () => {
    const r = run([{ type: 'coreReady' }, { type: 'syncStarted' }, { type: 'checked', offer }]);
    expect(r.effects).toEqual(['check']);
    expect(r.state).toEqual({ kind: 'available', offer });
    expect(r.model.status.waitingForSync).toBe('download');
    const after = run([{ type: 'syncEnded' }], r.model);
    expect(after.effects).toEqual(['download']);
    expect(after.state).toEqual({ kind: 'downloading', offer });
  });

  it('never installs during a sync run; "Later" calls the held install off', () => {
    const ready = run([{ type: 'coreReady' }, { type: 'checked', offer }, { type: 'downloaded' }]);
    const held = run([{ type: 'syncStarted' }, { type: 'install' }], ready.model);
    expect(held.effects).toEqual([]);
    expect(held.state.kind).toBe('ready');
    expect(held.model.status.waitingForSync).toBe('install');
    expect(run([{ type: 'syncEnded' }], held.model).effects).toEqual(['install']);
    const off = run([{ type: 'later' }, { type: 'syncEnded' }], held.model);
    expect(off.effects).toEqual([]);
    expect(off.state.kind).toBe('ready');
  });

  it('starts nothing twice: a menu check while checking, downloading or ready only shows where it stands', () => {
    const checking = run([{ type: 'coreReady' }, { type: 'menuCheck' }]);
    expect(checking.effects).toEqual(['check']);
    expect(checking.model.status.open).toBe(true);
    const ready = run(
      [{ type: 'checked', offer }, { type: 'downloaded' }, { type: 'later' }],
      checking.model,
    );
    const again = run([{ type: 'menuCheck' }], ready.model);
    expect(again.effects).toEqual([]);
    expect(again.state.kind).toBe('ready');
    expect(again.model.status.open).toBe(true);
  });

  it('a failure is a value in the state, and a later check may try again', () => {
    const error = appError('update_check_failed', 'The check for updates failed.', true);
    const failed = run([{ type: 'coreReady' }, { type: 'failed', error }]);
    expect(failed.state).toEqual({ kind: 'failed', error });
    expect(run([{ type: 'menuCheck' }], failed.model).effects).toEqual(['check']);
  });

  it('ignores answers that come out of turn', () => {
    const idle = initialUpdates(true);
    expect(stepUpdates(idle, { type: 'checked', offer }).model).toBe(idle);
    expect(stepUpdates(idle, { type: 'downloaded' }).model).toBe(idle);
    expect(stepUpdates(idle, { type: 'install' }).effects).toEqual([]);
  });

  it('without an updater nothing ever runs, and the menu check opens the dialog to say why', () => {
    const r = run([{ type: 'coreReady' }, { type: 'menuCheck' }], initialUpdates(false));
    expect(r.effects).toEqual([]);
    expect(r.state.kind).toBe('unsupported');
    expect(r.model.status.open).toBe(true);
  });
});

describe('release notes and offers from electron-updater', () => {
  it('turns HTML notes into text', () => {
    expect(releaseNotesText('<h2>1.4.0</h2><ul><li>Faster &amp; safer</li></ul>')).toBe(
      '1.4.0\nFaster & safer',
    );
  });
  it('joins notes given per version', () => {
    expect(
      releaseNotesText([
        { version: '1.4.0', note: 'B' },
        { version: '1.3.0', note: 'A' },
      ]),
    ).toBe('1.4.0\nB\n\n1.3.0\nA');
  });
  it('bounds the text and copes with no notes', () => {
    expect(releaseNotesText(null)).toBe('');
    expect(releaseNotesText('x'.repeat(30_000)).length).toBe(20_000);
  });
  it('an offer only when the feed has a newer version', () => {
    expect(updateOffer(null)).toBeNull();
    expect(updateOffer({ isUpdateAvailable: false, updateInfo: { version: '1.0.0' } })).toBeNull();
    expect(
      updateOffer({ isUpdateAvailable: true, updateInfo: { version: '1.4.0', releaseNotes: 'N' } }),
    ).toEqual({ version: '1.4.0', notes: 'N' });
  });
});
