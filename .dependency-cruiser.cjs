// Architecture checks (`npm run lint`): no import cycles, and the layers of docs/routing.md#layers.
// Type-only imports count: a layer that names another's types depends on it.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles anywhere in src/ (type-only ones included).',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'engine-imports-nothing-of-ours',
      severity: 'error',
      comment: 'The engine (events, triggers, mappings, fields) is destination-agnostic.',
      from: { path: '^src/engine/' },
      to: { path: '^src/', pathNot: '^src/engine/' },
    },
    {
      name: 'iterable-knows-no-service',
      severity: 'error',
      comment:
        'The destination knows nothing of servers, storage, delivery, routing, configuration files or preview.',
      from: { path: '^src/iterable/' },
      to: { path: '^src/(store|server|delivery|routing|config|cli|preview|sandbox)/' },
    },
    {
      name: 'routing-knows-no-service',
      severity: 'error',
      comment:
        'Routing is pure: configuration data and events in, work out; no storage, servers or delivery.',
      from: { path: '^src/routing/' },
      to: { path: '^src/(store|server|delivery|cli|config|preview|sandbox)/' },
    },
    {
      name: 'delivery-knows-no-mappings',
      severity: 'error',
      comment:
        'Delivery is handed a routing function; it imports no engine, routing, configuration or preview code.',
      from: { path: '^src/delivery/' },
      to: { path: '^src/(engine|routing|config|preview|server|cli|sandbox)/' },
    },
    {
      name: 'delivery-uses-only-iterable-transport',
      severity: 'error',
      comment:
        'Of the destination, delivery uses the client, the bulk-body builder (bulk-body.ts, re-exported by ' +
        'bulk.ts), regions, errors and plain types ' +
        '(not mappings, plans, actions, presets or fields).',
      from: { path: '^src/delivery/' },
      to: {
        path: '^src/iterable/',
        pathNot:
          '^src/iterable/(client/|bulk-body\\.ts$|bulk\\.ts$|regions\\.ts$|errors\\.ts$|actions/types\\.ts$)',
      },
    },
    {
      name: 'delivery-uses-iterable-action-types-only-as-types',
      severity: 'error',
      comment:
        'actions/types.ts is allowed to delivery for its types (JsonObject, FollowUpRequest), nothing else.',
      from: { path: '^src/delivery/' },
      to: { path: '^src/iterable/actions/types\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'store-imports-nothing-of-ours',
      severity: 'error',
      comment:
        'The store keeps opaque JSON: it knows no other part of the service (only the generic helpers of util/).',
      from: { path: '^src/store/' },
      to: { path: '^src/', pathNot: '^src/(store|util)/' },
    },
    {
      name: 'sandbox-imports-nothing-of-ours',
      severity: 'error',
      comment:
        "The sandbox emulates Iterable from Iterable's documented behaviour, not from our client's " +
        '(only the generic helpers of util/).',
      from: { path: '^src/sandbox/' },
      to: { path: '^src/', pathNot: '^src/(sandbox|util)/' },
    },
    {
      name: 'util-imports-nothing-of-ours',
      severity: 'error',
      comment: 'util/ holds generic helpers (timers, private files, secret hints) that any layer may use.',
      from: { path: '^src/util/' },
      to: { path: '^src/', pathNot: '^src/util/' },
    },
    {
      name: 'only-cli-imports-cli',
      severity: 'error',
      comment: 'The commands (and the service they put together) sit on top; nothing below imports them.',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|web)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
}
