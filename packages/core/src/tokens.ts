/**
 * Injection tokens of the core services. Plugins resolve them from `PluginContext.container`, or take them as
 * constructor parameters with `@inject(Tokens.X)` (explicit tokens work under tsc, vitest and tsx alike).
 */
export const Tokens = {
  Logger: Symbol.for('offloader.Logger'),
  Clock: Symbol.for('offloader.Clock'),
  Metrics: Symbol.for('offloader.Metrics'),
  Events: Symbol.for('offloader.Events'),
  Checkpoints: Symbol.for('offloader.Checkpoints'),
  Config: Symbol.for('offloader.Config'),
  Registry: Symbol.for('offloader.Registry'),
  RunMode: Symbol.for('offloader.RunMode'),
} as const;
