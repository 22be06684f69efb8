/**
 * The names of the boundary's channels and events, and nothing else: what
 * the window's client (the preload, the test bridge) checks a call against.
 * Importing the contract itself builds the zod schemas of every channel,
 * 100-150 ms at a window's start only to check a name (measured:
 * tests/bench/README.md, S3-window). The contract stays the one description
 * of the boundary: contract.ts does not type-check unless these lists hold
 * exactly its channels and events, and a unit test compares them at run time.
 */
export const CHANNEL_NAMES = [
  'app:info',
  'app:openFolder',
  'app:relaunch',

  'visitors:count',
  'visitors:page',
  'visitors:idsAt',
  'visitors:get',
  'visitors:create',
  'visitors:update',
  'visitors:delete',
  'visitors:bulkPreview',
  'visitors:bulkEdit',
  'visitors:bulkLast',
  'visitors:bulkUndo',

  'outbox:counts',
  'outbox:forVisitor',

  'sync:connect',
  'sync:start',
  'sync:cancel',
  'sync:status',
  'sync:checkMirror',
  'sync:repairMirror',
  'sync:history',

  'conflicts:count',
  'conflicts:page',
  'conflicts:idsAt',
  'conflicts:groups',
  'conflicts:get',
  'conflicts:setDraft',
  'conflicts:preview',
  'conflicts:apply',
  'conflicts:lastBatch',
  'conflicts:batches',
  'conflicts:undo',

  'rules:list',
  'rules:save',
  'rules:update',
  'rules:delete',
  'rules:dryRun',

  'remembered:list',
  'remembered:forget',

  'audit:forVisitor',
  'audit:exportCsv',

  'queue:role',
  'queue:facets',
  'queue:count',
  'queue:page',
  'queue:idsAt',
  'queue:groups',
  'queue:detail',
  'queue:retry',
  'queue:editRetry',
  'queue:discard',
  'queue:export',
  'queue:exportSaved',
  'queue:archiveExported',
  'queue:editPreview',
  'queue:editGroup',
  'queue:toConflict',
  'queue:archiveFacets',
  'queue:archiveCount',
  'queue:archivePage',
  'queue:restore',
  'queue:archiveExport',
  'queue:archiveExportSaved',
  'queue:archivePurge',

  'setup:state',
  'setup:testConnection',
  'setup:connect',
  'setup:startDemo',
  'setup:skipWelcome',
  'setup:disconnect',

  'settings:get',
  'settings:update',
  'settings:reset',

  'setup:rebuildDatabase',

  'jobs:list',
  'jobs:cancel',

  'import:pick',
  'import:dryRun',
  'import:run',

  'updates:status',
  'updates:check',
  'updates:install',
  'updates:later',
] as const;

export const EVENT_NAMES = [
  'app:command',
  'app:link',

  'outbox:changed',

  'visitors:changed',

  'sync:progress',
  'sync:status',
  'sync:runEnded',

  'conflicts:changed',

  'queue:changed',

  'setup:state',

  'jobs:progress',

  'updates:status',
] as const;

export type ChannelName = (typeof CHANNEL_NAMES)[number];
export type EventNameOnly = (typeof EVENT_NAMES)[number];

const channelSet: ReadonlySet<string> = new Set(CHANNEL_NAMES);
const eventSet: ReadonlySet<string> = new Set(EVENT_NAMES);

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && channelSet.has(name);
}

export function isEventNameOnly(name: unknown): name is EventNameOnly {
  return typeof name === 'string' && eventSet.has(name);
}
