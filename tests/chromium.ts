/**
 * Debian's Chromium, as every browser test here launches it: Playwright cannot
 * download browsers on these machines (docs/measured-facts.md), and these flags keep it
 * quiet and offline.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
