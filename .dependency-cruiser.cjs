// The layers, from the bottom: core <- plugin-sdk <- packages/* <- apps/*; plugins/* sit beside
// the packages and see only plugin-sdk. See docs/architecture.md.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'An import cycle makes two modules one: neither can be read, tested or moved alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-the-bottom',
      comment: 'core holds value types and pure logic; it imports no other workspace.',
      severity: 'error',
      from: { path: '^packages/core/' },
      to: { path: '^(packages|plugins|apps)/', pathNot: '^packages/core/' },
    },
    {
      name: 'plugin-sdk-only-on-core',
      comment: 'The plugin contract depends on core and nothing else of ours.',
      severity: 'error',
      from: { path: '^packages/plugin-sdk/' },
      to: { path: '^(packages|plugins|apps)/', pathNot: '^packages/(core|plugin-sdk)/' },
    },
    {
      name: 'plugins-only-plugin-sdk',
      comment: 'A plugin is one folder on the contract: it imports @vigia/plugin-sdk and its own npm packages only.',
      severity: 'error',
      from: { path: '^plugins/([^/]+)/', pathNot: '^plugins/[^/]+/test/' },
      to: { path: '^(packages|plugins|apps)/', pathNot: ['^packages/plugin-sdk/', '^plugins/$1/'] },
    },
    {
      name: 'plugins-tests-only-sdk-and-testing',
      comment: 'Plugin tests may also use the shared test helpers (real servers, free ports).',
      severity: 'error',
      from: { path: '^plugins/([^/]+)/test/' },
      to: {
        path: '^(packages|plugins|apps)/',
        // Exception: config and alerting, for tests that prove a channel block in monitoring.yaml
        // reaches the notifier through the host (loadConfig + buildChannels), e.g. the SMS and
        // Pushover tests; the plugin code itself still sees only the SDK.
        pathNot: ['^packages/(plugin-sdk|testing|core|config|alerting)/', '^plugins/$1/'],
      },
    },
    {
      name: 'packages-never-import-apps',
      comment: 'Packages are the layer below the apps; only a type-only import of the API router type is allowed (see the next rule).',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'packages-never-import-plugins',
      comment: 'The host finds plugins at run time (plugin-loader); no package links one in.',
      severity: 'error',
      from: { path: '^packages/', pathNot: '^packages/[^/]+/test/' },
      to: { path: '^plugins/' },
    },
    {
      name: 'apps-never-import-another-apps-runtime',
      comment: "An app may see another app's types (web and the API router), never its running code.",
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)node_modules/', '(^|/)dist/', '(^|/)\\.build/', '\\.d\\.ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.mjs', '.svelte', '.json'] },
    combinedDependencies: true,
    preserveSymlinks: false,
  },
};
