import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildClient } from '../../shared/ipc/client';

// The renderer gets exactly the typed client of the contract, nothing of ipcRenderer itself.
contextBridge.exposeInMainWorld(
  'api',
  buildClient({
    invoke: (channel, request) => ipcRenderer.invoke(channel, request),
    subscribe(event, listener) {
      const handler = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
      ipcRenderer.on(event, handler);
      return () => ipcRenderer.removeListener(event, handler);
    },
  }),
);
