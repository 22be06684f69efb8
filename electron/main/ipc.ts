import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { CHANNELS, type EventName, type EventPayload } from '../../shared/ipc/contract';
import type { Handlers } from '../core/ipc/dispatch';
import type { EventSink } from '../core/events';
import { guardedDispatch } from './guarded-dispatch';

/** ipcMain.handle for every channel of the contract, each call's sender checked first. */
export function wireIpc(handlers: Handlers, trustedOrigins: readonly string[]): () => void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, arg: unknown) => {
      const frame = event.senderFrame;
      return guardedDispatch(
        handlers,
        trustedOrigins,
        channel,
        { url: frame?.url, isMainFrame: !!frame && frame === event.sender.mainFrame },
        arg,
      );
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
