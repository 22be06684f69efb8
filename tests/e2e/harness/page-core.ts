import type { Page } from '@playwright/test';
import { buildSync } from 'esbuild';
import { join } from 'node:path';
import type { MessageEndpoint } from '../../../shared/ipc/port-protocol';
import type { CoreProcess } from '../../fixtures/core-process';
import { exactJson } from './page-json';

let bridgeSource: string | undefined;
let pages = 0;
/** The page's side (bridge.ts), bundled for the browser. */
export function bridge(): string {
  bridgeSource ??= buildSync({
    entryPoints: [join(import.meta.dirname, 'bridge.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
  }).outputFiles[0]!.text;
  return bridgeSource;
}

/**
 * Gives the page a window port to a core process, as main gives the app's
 * window one: its messages go to the core's process, the core's come back
 * into the page. `attach` swaps the process (after a crash and restart).
 * Call before the page loads.
 */
export async function connectPage(page: Page, core: CoreProcess) {
  let port: MessageEndpoint;
  // What the core sends goes into the page in batches: one evaluate per turn of this
  // process's event loop, not one per message (a sync sends hundreds of events),
  // as JSON text where that is exact (page-json.ts says why).
  let batch: unknown[] = [];
  const flush = () => {
    const messages = batch;
    batch = [];
    const json = exactJson(messages);
    (json !== null
      ? page.evaluate((text) => {
          const w = globalThis as unknown as { __vrcDeliver(m: unknown): void };
          for (const m of JSON.parse(text) as unknown[]) w.__vrcDeliver(m);
        }, json)
      : page.evaluate((ms) => {
          const w = globalThis as unknown as { __vrcDeliver(m: unknown): void };
          for (const m of ms) w.__vrcDeliver(m);
        }, messages)
    ).catch(() => undefined); // the page went away (the test ended or navigated)
  };
  // A name of its own per page: under Node the core serves every port of a name, so pages
  // sharing one would each have every request handled once per page opened so far.
  const name = `page-${++pages}`;
  let unlisten = () => {};
  const attach = (c: CoreProcess) => {
    unlisten();
    port = c.openWindow(name);
    unlisten = port.listen((message) => {
      if (batch.push(message) === 1) setImmediate(flush);
    });
  };
  page.once('close', () => unlisten());
  attach(core);
  await page.exposeBinding('__vrcPost', (_source, message: unknown) => port.post(message));
  await page.addInitScript({ content: bridge() });
  return { attach };
}
