/**
 * Injection tokens. Pipeline services (one per pipeline container): Logger, Clock, Metrics, Events, Checkpoints,
 * RunMode. Plugin-instance services (one child container per plugin instance): PluginId, PluginOptions,
 * PluginLogger, PluginStateDir, PluginBaseDir. Plugins resolve them from `PluginContext.container`, or take them
 * as constructor parameters with `@inject(Tokens.X)` (explicit tokens work under tsc, vitest, tsx and esbuild).
 * An integrator overrides a pipeline service by registering its token in the container given to
 * `Pipeline.build` (`options.container`) before the pipeline is built.
 */
export const Tokens = {
  Logger: Symbol.for('offloader.Logger'),
  Clock: Symbol.for('offloader.Clock'),
  Metrics: Symbol.for('offloader.Metrics'),
  Events: Symbol.for('offloader.Events'),
  Checkpoints: Symbol.for('offloader.Checkpoints'),
  RunMode: Symbol.for('offloader.RunMode'),
  PluginId: Symbol.for('offloader.PluginId'),
  PluginOptions: Symbol.for('offloader.PluginOptions'),
  PluginLogger: Symbol.for('offloader.PluginLogger'),
  PluginStateDir: Symbol.for('offloader.PluginStateDir'),
  PluginBaseDir: Symbol.for('offloader.PluginBaseDir'),
} as const;
