/**
 * The folder map of README.md, enforced: `npm run layering` (part of
 * `npm test`) fails on any import cycle — type-only imports included, since
 * they tie files together just the same — and on any arrow against the map.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'No import cycles anywhere, type-only ones included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-imports-no-other-folder',
      severity: 'error',
      comment: 'shared/ is the common ground: it imports none of the other folders.',
      from: { path: '^shared/' },
      to: { path: '^(electron|renderer|server|tests|scripts)/' },
    },
    {
      name: 'renderer-imports-only-shared',
      severity: 'error',
      comment: 'The window talks to the core only through window.api; it imports only shared/.',
      from: { path: '^renderer/' },
      to: { path: '^(electron|server|tests|scripts)/' },
    },
    {
      name: 'core-never-imports-electron',
      severity: 'error',
      comment: 'The core is plain Node: desktop capabilities reach it as ports, never as imports.',
      from: { path: '^electron/core/' },
      to: {
        path: '^(electron/(main|preload)/|renderer/|tests/|scripts/)|^electron$|node_modules/electron/',
      },
    },
    {
      name: 'server-imports-only-shared',
      severity: 'error',
      comment: 'The reference server is deployed alone: it imports only shared/.',
      from: { path: '^server/' },
      to: { path: '^(electron|renderer|tests|scripts)/|node_modules/electron/' },
    },
    {
      name: 'preload-imports-only-shared',
      severity: 'error',
      comment: 'The preload exposes the contract client and nothing else.',
      from: { path: '^electron/preload/' },
      to: { path: '^(electron/(core|main)/|renderer/|server/|tests/|scripts/)' },
    },
    {
      name: 'product-never-imports-tests',
      severity: 'error',
      from: { path: '^(shared|renderer|server|electron)/' },
      to: { path: '^(tests|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(out|node_modules|release|test-results|bench-results)/' },
    // Type-only imports count: a cycle through `import type` is still a cycle.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
