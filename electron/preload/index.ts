import { contextBridge, ipcRenderer } from 'electron';
import { buildClient } from '../../shared/ipc/client';
import { createCoreLink } from '../../shared/ipc/core-link';
import { domPortEndpoint } from '../../shared/ipc/port-protocol';

// The window talks to the core's own process over a MessagePort that main hands it
// (after checking this is the app's window); the page gets the typed client, nothing else.
const link = createCoreLink();
ipcRenderer.on('core:port', (event) => {
  const port = event.ports[0];
  if (port) link.connect(domPortEndpoint(port));
});
ipcRenderer.on('core:down', () => link.disconnect());
ipcRenderer.send('core:hello');
contextBridge.exposeInMainWorld('api', buildClient(link.transport));
