/**
 * A menu item in Electron's template shape, typed here so this module stays
 * plain (the core never imports electron); main hands the template to
 * Menu.buildFromTemplate as it is.
 */
export interface MenuItemConstructorOptions {
  label?: string;
  role?:
    | 'about'
    | 'services'
    | 'hide'
    | 'hideOthers'
    | 'unhide'
    | 'quit'
    | 'close'
    | 'editMenu'
    | 'reload'
    | 'toggleDevTools'
    | 'resetZoom'
    | 'zoomIn'
    | 'zoomOut'
    | 'togglefullscreen'
    | 'windowMenu'
    | 'help';
  type?: 'separator';
  accelerator?: string;
  click?: () => void;
  submenu?: MenuItemConstructorOptions[];
}

export interface MenuActions {
  openSettings(): void;
  syncNow(): void;
  openLogs(): void;
  openData(): void;
  openSecurityChecklist(): void;
  /** Asks the core to check for updates now (held while a sync runs). */
  checkUpdates(): void;
}

/**
 * The application menu: the platform's usual roles and shortcuts (Edit with
 * undo/redo/cut/copy/paste/select all, View zoom and full screen, Window,
 * and the app menu on macOS), plus the console's own items. Pure, so its
 * shape is unit-tested.
 */
export function menuTemplate(
  platform: NodeJS.Platform,
  actions: MenuActions,
  opts: { appName: string; devTools: boolean },
): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const settings: MenuItemConstructorOptions = {
    label: mac ? 'Settings…' : 'Settings',
    accelerator: 'CmdOrCtrl+,',
    click: actions.openSettings,
  };
  const template: MenuItemConstructorOptions[] = [];
  if (mac)
    template.push({
      label: opts.appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        settings,
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  template.push(
    {
      label: '&File',
      submenu: [
        { label: 'Sync Now', accelerator: 'CmdOrCtrl+Shift+S', click: actions.syncNow },
        { type: 'separator' },
        ...(mac ? [] : [settings, { type: 'separator' } as const]),
        { label: 'Open Logs Folder', click: actions.openLogs },
        { label: 'Open Data Folder', click: actions.openData },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        ...(opts.devTools
          ? ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const)
          : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'How the Console Is Secured', click: actions.openSecurityChecklist },
        { label: 'Open Logs Folder', click: actions.openLogs },
        { label: 'Check for Updates…', click: actions.checkUpdates },
        ...(mac ? [] : [{ type: 'separator' } as const, { role: 'about' } as const]),
      ],
    },
  );
  return template;
}
