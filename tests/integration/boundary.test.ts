import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx|js|mjs|cjs)$/.test(name) ? [p] : [];
  });
}

describe('the Electron boundary', () => {
  it('only electron/main and electron/preload import electron', () => {
    const offenders = ['electron', 'shared', 'renderer', 'server']
      .flatMap((d) => files(join(root, d)))
      .map((f) => relative(root, f))
      .filter((f) => !f.startsWith('electron/main/') && !f.startsWith('electron/preload/'))
      .filter((f) =>
        /from ['"]electron['"]|require\(['"]electron['"]\)|import\(['"]electron['"]\)/.test(
          readFileSync(join(root, f), 'utf8'),
        ),
      );
    expect(offenders).toEqual([]);
  });

  describe('built bundles', () => {
    beforeAll(() => {
      if (!existsSync(join(root, 'out/preload/index.cjs'))) {
        execFileSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'ignore' });
      }
    }, 120_000);

    it('the sandboxed preload requires nothing but electron', () => {
      const src = readFileSync(join(root, 'out/preload/index.cjs'), 'utf8');
      const required = [...src.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
      expect([...new Set(required)]).toEqual(['electron']);
    });

    it('the window hardening is in the built main process', () => {
      const src = readFileSync(join(root, 'out/main/index.js'), 'utf8');
      for (const flag of ['contextIsolation: true', 'sandbox: true', 'nodeIntegration: false'])
        expect(src).toContain(flag);
    });

    it('the renderer has a strict Content Security Policy and no inline script', () => {
      const html = readFileSync(join(root, 'out/renderer/index.html'), 'utf8');
      expect(html).toMatch(
        /http-equiv="Content-Security-Policy"\s+content="default-src 'none'; script-src 'self'/,
      );
      expect(html).not.toMatch(/<script(?![^>]*src=)[^>]*>/);
    });
  });
});
