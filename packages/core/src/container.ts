import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DependencyContainer, container as rootContainer } from 'tsyringe';
import { type CheckpointStore, FileCheckpointStore, MemoryCheckpointStore } from './checkpoints.js';
import { type Clock, systemClock } from './clock.js';
import { DEFAULT_EVENT_OPTIONS, EventLog, type EventLogOptions } from './events.js';
import { type Logger, silentLogger } from './logger.js';
import { type Metrics, PromMetrics } from './metrics.js';
import type { PluginContext } from './plugin.js';
import { Tokens } from './tokens.js';

export interface RunMode {
  once: boolean;
  dryRun: boolean;
}

export interface PipelineServices {
  /** Folder for checkpoints, events and claims. */
  stateDir: string;
  logger?: Logger;
  clock?: Clock;
  events?: Partial<EventLogOptions>;
  mode?: Partial<RunMode>;
}

/**
 * One child container per pipeline: every core service is a fresh instance bound to the pipeline's state
 * folder, so two pipelines (or two tests) in one process never share metrics, events or checkpoints. A service
 * already registered in `parent` (an integrator's clock, metrics, event log, logger) is used instead.
 */
export function createPipelineContainer(services: PipelineServices, parent: DependencyContainer = rootContainer) {
  const child = parent.createChildContainer();
  const provide = (token: symbol, make: () => unknown) => {
    if (parent !== rootContainer && parent.isRegistered(token, true)) return;
    child.register(token, { useValue: make() });
  };
  const mode: RunMode = { once: false, dryRun: false, ...services.mode };
  const clock = services.clock ?? systemClock;
  // A dry run starts from no checkpoint at all: it previews every file present, whatever was delivered before.
  const checkpoints: CheckpointStore = mode.dryRun
    ? new MemoryCheckpointStore()
    : new FileCheckpointStore(join(services.stateDir, 'checkpoints'));
  const eventOptions: EventLogOptions = {
    ...DEFAULT_EVENT_OPTIONS,
    ...services.events,
    file: mode.dryRun ? undefined : (services.events?.file ?? join(services.stateDir, 'events.jsonl')),
  };
  provide(Tokens.Logger, () => services.logger ?? silentLogger());
  provide(Tokens.Clock, () => clock);
  const effectiveClock = child.resolve<Clock>(Tokens.Clock);
  provide(Tokens.Metrics, () => new PromMetrics());
  provide(Tokens.Events, () => new EventLog(eventOptions, effectiveClock));
  provide(Tokens.Checkpoints, () => checkpoints);
  child.register(Tokens.RunMode, { useValue: mode });
  return child;
}

/**
 * Builds the context a plugin factory receives, with a child container of its own holding the instance's id,
 * options, logger (bound to the id), state folder (`<state>/<id>`) and base folder; the pipeline services are
 * inherited. Collaborators a plugin registers there stay private to the instance.
 */
export function createPluginContext(
  pipelineContainer: DependencyContainer,
  id: string,
  options: { baseDir: string; stateDir: string; options?: unknown },
): PluginContext {
  const container = pipelineContainer.createChildContainer();
  const mode = container.resolve<RunMode>(Tokens.RunMode);
  const pluginStateDir = join(options.stateDir, id.replace(/[^A-Za-z0-9_.-]/g, '_'));
  container.register(Tokens.PluginId, { useValue: id });
  container.register(Tokens.PluginOptions, { useValue: options.options ?? {} });
  container.register(Tokens.PluginLogger, { useValue: container.resolve<Logger>(Tokens.Logger).child({ plugin: id }) });
  container.register(Tokens.PluginBaseDir, { useValue: options.baseDir });
  container.register(Tokens.PluginStateDir, {
    useFactory: () => {
      mkdirSync(pluginStateDir, { recursive: true });
      return pluginStateDir;
    },
  });
  return {
    container,
    id,
    baseDir: options.baseDir,
    get stateDir() {
      mkdirSync(pluginStateDir, { recursive: true });
      return pluginStateDir;
    },
    mode: { once: mode.once, dryRun: mode.dryRun },
  };
}

/** Typed accessors for the core services of a container. */
export function coreServices(container: DependencyContainer) {
  return {
    logger: container.resolve<Logger>(Tokens.Logger),
    clock: container.resolve<Clock>(Tokens.Clock),
    metrics: container.resolve<Metrics>(Tokens.Metrics),
    events: container.resolve<EventLog>(Tokens.Events),
    checkpoints: container.resolve<CheckpointStore>(Tokens.Checkpoints),
    mode: container.resolve<RunMode>(Tokens.RunMode),
  };
}
