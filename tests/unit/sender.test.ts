import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../../electron/core/ipc/sender';

const FILE = ['file:///opt/vrc/resources/app.asar/out/renderer/'];
const DEV = ['http://localhost:5173'];

describe('isTrustedSender', () => {
  it.each([
    [
      { url: 'file:///opt/vrc/resources/app.asar/out/renderer/index.html', isMainFrame: true },
      FILE,
      true,
    ],
    [
      { url: 'file:///opt/vrc/resources/app.asar/out/renderer/index.html', isMainFrame: false },
      FILE,
      false,
    ],
    [{ url: 'file:///tmp/evil.html', isMainFrame: true }, FILE, false],
    [
      { url: 'file:///opt/vrc/resources/app.asar/out/renderer-evil/index.html', isMainFrame: true },
      FILE,
      false,
    ],
    [{ url: 'http://localhost:5173/', isMainFrame: true }, DEV, true],
    [{ url: 'http://localhost:5174/', isMainFrame: true }, DEV, false],
    [{ url: 'https://evil.example/', isMainFrame: true }, DEV, false],
    [{ url: 'http://localhost:5173/', isMainFrame: true }, FILE, false],
    [{ url: undefined, isMainFrame: true }, FILE, false],
    [{ url: 'not a url', isMainFrame: true }, FILE, false],
    [{ url: 'about:blank', isMainFrame: true }, FILE, false],
    [{ url: 'data:text/html,hi', isMainFrame: true }, DEV, false],
  ])('%j with %j → %s', (sender, origins, expected) => {
    expect(isTrustedSender(sender, origins)).toBe(expected);
  });
});
