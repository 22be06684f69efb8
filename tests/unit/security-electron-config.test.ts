import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { APP_LINKS, isAppLink } from '../../electron/core/desktop/external-links';

/**
 * What electronegativity does not check (docs/measured-facts.md): the webPreferences of
 * every window read from the source's syntax tree (a spread or a variable
 * would hide a loosened flag, so both are refused), the IPC wiring, the
 * navigation and permission guards, openExternal, the preload's surface and
 * the Content Security Policy.
 */
const root = join(import.meta.dirname, '../..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');

function files(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const p = join(dir, name);
    return statSync(join(root, p)).isDirectory() ? files(p) : /\.tsx?$/.test(name) ? [p] : [];
  });
}

function parse(path: string): ts.SourceFile {
  return ts.createSourceFile(path, read(path), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
}

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  node.forEachChild((c) => walk(c, visit));
}

const propName = (p: ts.ObjectLiteralElementLike) =>
  p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : null;

/** Every `new BrowserWindow(…)`, `new BrowserView(…)` or `new WebContentsView(…)` in the shell. */
function windowConstructions() {
  const found: { file: string; line: number; options: ts.Expression | undefined }[] = [];
  for (const file of files('electron')) {
    const sf = parse(file);
    walk(sf, (n) => {
      if (
        ts.isNewExpression(n) &&
        ts.isIdentifier(n.expression) &&
        ['BrowserWindow', 'BrowserView', 'WebContentsView'].includes(n.expression.text)
      )
        found.push({
          file,
          line: sf.getLineAndCharacterOfPosition(n.getStart()).line + 1,
          options: n.arguments?.[0],
        });
    });
  }
  return found;
}

/** The literal value of each webPreferences entry; spreads and computed values are reported. */
function webPreferences(options: ts.Expression | undefined): {
  error: string | null;
  values: Record<string, string>;
} {
  const values: Record<string, string> = {};
  const no = (error: string) => ({ error, values });
  if (!options || !ts.isObjectLiteralExpression(options))
    return no('the window options are not an object literal');
  const wp = options.properties.find((p) => propName(p) === 'webPreferences');
  if (!wp) return no('no webPreferences');
  if (!ts.isPropertyAssignment(wp) || !ts.isObjectLiteralExpression(wp.initializer))
    return no('webPreferences is not an object literal');
  for (const p of wp.initializer.properties) {
    if (ts.isSpreadAssignment(p)) return no('webPreferences contains a spread');
    const name = propName(p);
    if (!name) return no('webPreferences has a computed key');
    values[name] = ts.isPropertyAssignment(p) ? p.initializer.getText() : '(shorthand)';
  }
  return { error: null, values };
}

describe('BrowserWindow webPreferences (Electron security checklist 2–4, 6, 8, 9, 11)', () => {
  const windows = windowConstructions();

  it('there is exactly one place that makes a window, so every window gets the same guards', () => {
    expect(windows.map((w) => w.file)).toEqual(['electron/main/window.ts']);
  });

  it.each([
    ['contextIsolation', 'true'],
    ['sandbox', 'true'],
    ['nodeIntegration', 'false'],
    ['nodeIntegrationInWorker', 'false'],
    ['nodeIntegrationInSubFrames', 'false'],
    ['webSecurity', 'true'],
    ['allowRunningInsecureContent', 'false'],
    ['experimentalFeatures', 'false'],
    ['webviewTag', 'false'],
    ['navigateOnDragDrop', 'false'],
  ])('%s is written out as %s', (flag, value) => {
    for (const w of windows) {
      const wp = webPreferences(w.options);
      expect(wp.error, `${w.file}:${w.line}`).toBeNull();
      expect(wp.values[flag], `${w.file}:${w.line} ${flag}`).toBe(value);
    }
  });

  it('enables no Blink feature and loads a preload', () => {
    for (const w of windows) {
      const wp = webPreferences(w.options);
      expect(wp.error).toBeNull();
      expect(wp.values.enableBlinkFeatures).toBeUndefined();
      expect(wp.values.preload).toBeDefined();
    }
  });

  it('the AST check catches a loosened flag and a spread (so it cannot pass by accident)', () => {
    const opts = (src: string) => {
      const sf = ts.createSourceFile(
        'x.ts',
        `new BrowserWindow(${src})`,
        ts.ScriptTarget.Latest,
        true,
      );
      let e: ts.Expression | undefined;
      walk(sf, (n) => {
        if (ts.isNewExpression(n)) e = n.arguments?.[0];
      });
      return webPreferences(e);
    };
    expect(opts('{ webPreferences: { sandbox: false, nodeIntegration: true } }')).toEqual({
      error: null,
      values: { sandbox: 'false', nodeIntegration: 'true' },
    });
    expect(opts('{ webPreferences: { ...prefs } }').error).toBe('webPreferences contains a spread');
    expect(opts('options').error).toBe('the window options are not an object literal');
  });
});

describe('navigation, new windows, permissions (checklist 5, 12–15)', () => {
  const index = read('electron/main/index.ts');
  const window = read('electron/main/window.ts');

  it('every web contents blocks navigation, redirects, <webview> and window.open', () => {
    expect(window).toMatch(/on\('will-navigate', \(e\) => e\.preventDefault\(\)\)/);
    expect(window).toMatch(/on\('will-redirect', \(e\) => e\.preventDefault\(\)\)/);
    expect(window).toMatch(/on\('will-attach-webview', \(e\) => e\.preventDefault\(\)\)/);
    expect(window).toMatch(/setWindowOpenHandler\([\s\S]*?return \{ action: 'deny' \}/);
    expect(index).toContain(
      "app.on('web-contents-created', (_e, contents) => guardContents(contents))",
    );
  });

  it('every permission request and check is denied, and every renderer is sandboxed', () => {
    expect(window).toMatch(/setPermissionRequestHandler\([\s\S]*?callback\(false\)/);
    expect(window).toContain('setPermissionCheckHandler(() => false)');
    expect(index).toContain('hardenSession(session.defaultSession');
    expect(index).toContain('app.enableSandbox()');
  });

  it('remote content is refused at the session (only the app’s files and the dev server load)', () => {
    expect(window).toMatch(/webRequest\.onBeforeRequest/);
    expect(window).toMatch(/callback\(\{ cancel: !allowed \}\)/);
  });
});

describe('shell.openExternal (checklist 14)', () => {
  it('is called in one place only, behind the allow-list of links the app made', () => {
    const calls = files('electron').flatMap((f) =>
      [...read(f).matchAll(/openExternal\(/g)].map(() => f),
    );
    expect(calls).toEqual(['electron/main/window.ts']);
    expect(read('electron/main/window.ts')).toMatch(
      /if \(!isAppLink\(url\)\) return false;\s*void shell\.openExternal\(url\);/,
    );
  });

  it.each([
    [APP_LINKS.electronChecklist, true],
    ['https://www.electronjs.org/docs/latest/tutorial/security#anything', false],
    ['https://evil.example/', false],
    ['file:///etc/passwd', false],
    ['smb://host/share', false],
    ['javascript:alert(1)', false],
    ['https://user:pw@www.electronjs.org/docs/latest/tutorial/security', false],
    ['not a url', false],
  ])('isAppLink(%s) = %s', (url, ok) => {
    expect(isAppLink(url)).toBe(ok);
  });
});

describe('IPC (checklist 17)', () => {
  it('ipcMain answers one message, the request for a port, after the sender check', () => {
    const users = files('electron').filter((f) => /ipcMain\.(handle|on|once)\(/.test(read(f)));
    expect(users).toEqual(['electron/main/core-process.ts']);
    const main = read('electron/main/core-process.ts');
    expect([...main.matchAll(/ipcMain\.(handle|on|once)\('([^']+)'/g)].map((m) => m[2])).toEqual([
      'core:hello',
    ]);
    expect(main).toMatch(
      /ipcMain\.on\('core:hello', \(event\) => \{[\s\S]*?if \(!mayHaveCorePort\([\s\S]*?return [\s\S]*?supervisor\.addWindow\(event\.sender\)/,
    );
  });

  it('electron-store’s own renderer IPC listener is removed', () => {
    expect(read('electron/main/desktop.ts')).toContain(
      "ipcMain.removeAllListeners('electron-store-get-data')",
    );
  });

  it('the core never opens a port itself: it serves only those its parent hands over', () => {
    const host = read('electron/core/host/core-process.ts');
    expect(host).toMatch(/case 'window':\s*\/\/[^\n]*\n\s*if \(port\) host\.serve\(port\);/);
    const code = files('electron/core').map((f) => read(f));
    expect(code.filter((c) => /new MessageChannel|createServer\(|\.listen\(\d/.test(c))).toEqual(
      [],
    );
  });
});

describe('preload (checklist 3, 20)', () => {
  const preload = read('electron/preload/index.ts');
  it('exposes one object, the typed client, and nothing of ipcRenderer itself', () => {
    const exposes = [...preload.matchAll(/exposeInMainWorld\(\s*'([^']+)'/g)].map((m) => m[1]);
    expect(exposes).toEqual(['api']);
    expect(preload).toMatch(/exposeInMainWorld\(\s*'api',\s*buildClient\(/);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*[,)]/);
  });
});

describe('Content Security Policy (checklist 7)', () => {
  const html = read('renderer/index.html');
  const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
  const directives = Object.fromEntries(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );

  it('starts from nothing and allows scripts only from the app itself', () => {
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src'] ?? directives['default-src']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['form-action']).toEqual(["'none'"]);
  });

  it('allows no inline code, eval, wildcard or remote origin anywhere', () => {
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|wasm-unsafe-eval|\*|https?:|ws:/);
  });

  it('the renderer never injects HTML or evaluates strings', () => {
    const offenders = files('renderer/src').filter((f) =>
      /dangerouslySetInnerHTML|\beval\(|new Function\(|\.innerHTML\s*=/.test(read(f)),
    );
    expect(offenders).toEqual([]);
  });
});

describe('the files this test reads exist where SECURITY.md says', () => {
  it.each([
    'electron/main/window.ts',
    'electron/main/index.ts',
    'electron/main/core-process.ts',
    'electron/main/desktop.ts',
    'electron/core/host/core-host.ts',
    'electron/core/ipc/sender.ts',
    'electron/preload/index.ts',
    'renderer/index.html',
  ])('%s', (p) => {
    expect(read('SECURITY.md')).toContain(p);
    expect(relative(root, join(root, p))).toBe(p);
  });
});
