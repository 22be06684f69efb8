/**
 * The core's messages as JSON text, when JSON carries them exactly.
 *
 * Playwright hands an evaluate's arguments to the page in its own
 * serialisation (a tree of tagged nodes, rebuilt in the page by a script), and
 * the page's main thread pays for that: a page of 100 conflicts (~220 kB)
 * took 16–40 ms of the renderer's CPU to arrive, ten times what Electron's
 * MessagePort (a structured clone) costs, so the T7 bench measured the test's
 * carrier more than the console. One string that the page parses with
 * JSON.parse costs about 2 ms. A message JSON cannot carry exactly (undefined,
 * NaN, -0, a Date, a Map, a typed array…) returns null and goes the old way.
 */
const LOSSY = new Error('not exact in JSON');

export function exactJson(value: unknown): string | null {
  try {
    return JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
      const raw = key === '' ? value : this[key];
      switch (typeof raw) {
        case 'string':
        case 'boolean':
          return v;
        case 'number':
          if (!Number.isFinite(raw) || Object.is(raw, -0)) throw LOSSY;
          return v;
        case 'object': {
          if (raw === null) return v;
          const proto = Object.getPrototypeOf(raw) as unknown;
          if (proto !== Object.prototype && proto !== Array.prototype) throw LOSSY;
          return v;
        }
        default: // undefined (a missing array slot too), bigint, function, symbol
          throw LOSSY;
      }
    });
  } catch (err) {
    if (err === LOSSY) return null;
    throw err;
  }
}
