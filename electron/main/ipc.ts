import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { appError } from '../../shared/errors';
import { CHANNELS, type EventName, type EventPayload } from '../../shared/ipc/contract';
import { dispatch, type Handlers } from '../core/ipc/dispatch';
import type { EventSink } from '../core/ipc/handlers';
import { isTrustedSender } from '../core/ipc/sender';

/** ipcMain.handle for every channel of the contract, each call's sender checked first. */
export function wireIpc(handlers: Handlers, trustedOrigins: readonly string[]): () => void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, arg: unknown) => {
      const frame = event.senderFrame;
      const trusted = isTrustedSender(
        { url: frame?.url, isMainFrame: !!frame && frame === event.sender.mainFrame },
        trustedOrigins,
      );
      if (!trusted) {
        return {
          ok: false,
          error: appError('forbidden_sender', 'This call did not come from the console window.'),
        };
      }
      return dispatch(handlers, channel, arg);
    });
  }
  return () => CHANNELS.forEach((c) => ipcMain.removeHandler(c));
}

export function windowEvents(getWindow: () => BrowserWindow | null): EventSink {
  return {
    emit<E extends EventName>(event: E, payload: EventPayload<E>) {
      const win = getWindow();
      if (win && !win.isDestroyed()) win.webContents.send(event, payload);
    },
  };
}
