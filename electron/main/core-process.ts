import {
  ipcMain,
  MessageChannelMain,
  utilityProcess,
  type MessagePortMain,
  type WebContents,
} from 'electron';
import { mayHaveCorePort } from '../core/ipc/sender';
import { CoreSupervisor, type SupervisorDeps } from '../core/host/supervisor';

type Deps = Omit<
  SupervisorDeps<MessagePortMain, WebContents>,
  'fork' | 'channel' | 'givePort' | 'tellDown'
>;

/**
 * The core in an Electron utilityProcess, kept running by the supervisor.
 * A window's preload asks for its port (`core:hello`, at each load); only
 * the app's own window, from its own top frame, gets one.
 */
export function coreProcess(
  entry: string,
  deps: Deps & { trustedOrigins: readonly string[]; isOwnWindow(c: WebContents): boolean },
) {
  const supervisor = new CoreSupervisor<MessagePortMain, WebContents>({
    ...deps,
    fork: () => utilityProcess.fork(entry, [], { serviceName: 'Visitor console core' }),
    channel: () => {
      const { port1, port2 } = new MessageChannelMain();
      return [port1, port2];
    },
    givePort: (contents, port) =>
      !contents.isDestroyed() && (contents.postMessage('core:port', null, [port]), true),
    tellDown: (contents) => !contents.isDestroyed() && contents.send('core:down'),
  });
  ipcMain.on('core:hello', (event) => {
    const frame = event.senderFrame;
    const sender = { url: frame?.url, isMainFrame: !!frame && frame === event.sender.mainFrame };
    if (!mayHaveCorePort(sender, deps.isOwnWindow(event.sender), deps.trustedOrigins))
      return deps.log.warn(`refused a core port to ${sender.url ?? 'a frame without an address'}`);
    event.sender.once('destroyed', () => supervisor.removeWindow(event.sender));
    supervisor.addWindow(event.sender);
  });
  return supervisor;
}
