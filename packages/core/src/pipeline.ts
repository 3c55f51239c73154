import { mkdirSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { DependencyContainer } from 'tsyringe';
import { type LoadedPipeline, loadPipelineFile, type PipelineInput, validatePipelineObject } from './config.js';
import { coreServices, createPipelineContainer, createPluginContext } from './container.js';
import { attributeError } from './errors.js';
import type { HealthReport } from './health.js';
import { createHealthProbe } from './healthProbe.js';
import { createLogger, type Logger } from './logger.js';
import type { PluginDefinition, Sink, Source, Transformer } from './plugin.js';
import { PluginRegistry } from './registry.js';
import { type Part, PipelineRunner, type RunnerOptions } from './runner.js';
import type { RunSummary } from './runSummary.js';
import { JsonLinesSink, nullSink, stdoutSink } from './sinks/stdout.js';
import { lockStateFolder } from './stateLock.js';

/** The plugins core itself provides. */
export const corePlugins: PluginDefinition[] = [stdoutSink as PluginDefinition, nullSink as PluginDefinition];

export interface PipelineOptions extends RunnerOptions {
  /** Process what is present and end. */
  once?: boolean;
  /** Print records as JSON lines to `dryRunOutput` (default stdout); send nothing, move no input file. */
  dryRun?: boolean;
  dryRunOutput?: Writable;
  logger?: Logger;
  /**
   * Parent of the pipeline's container. Register a token in it before `build` to override that service:
   * `Tokens.Clock`, `Tokens.Metrics`, `Tokens.Events`, `Tokens.Logger`, `Tokens.Checkpoints`, or anything a
   * plugin resolves (e.g. the kinesis sink's `KinesisTokens.Credentials`).
   */
  container?: DependencyContainer;
}

/** A pipeline built from a definition: plugins created in one child container, ready to `run()`. */
export class Pipeline {
  private constructor(
    readonly loaded: LoadedPipeline,
    readonly container: DependencyContainer,
    readonly runner: PipelineRunner,
    private readonly releaseState: () => void,
  ) {}

  /** Loads a YAML pipeline file and builds it. */
  static async fromFile(file: string, registry: PluginRegistry, options: PipelineOptions = {}): Promise<Pipeline> {
    return Pipeline.build(await loadPipelineFile(file, registry), registry, options);
  }

  /**
   * Builds a pipeline from a plain object of the same shape as the YAML file (for library use).
   * Relative paths resolve against `baseDir` (default: the working directory).
   */
  static async fromDefinition(
    definition: PipelineInput,
    options: PipelineOptions & { plugins?: PluginDefinition[]; registry?: PluginRegistry; baseDir?: string } = {},
  ): Promise<Pipeline> {
    const registry = options.registry ?? new PluginRegistry().registerAll(corePlugins);
    for (const plugin of options.plugins ?? []) if (!registry.has(plugin.kind, plugin.type)) registry.register(plugin);
    const pseudoFile = `${options.baseDir ?? process.cwd()}/<inline pipeline>`;
    const named = { name: 'pipeline', ...definition };
    return Pipeline.build(await validatePipelineObject(named, pseudoFile, registry), registry, options);
  }

  static async build(loaded: LoadedPipeline, registry: PluginRegistry, options: PipelineOptions): Promise<Pipeline> {
    const { definition } = loaded;
    const dryRun = options.dryRun ?? false;
    if (!dryRun) mkdirSync(loaded.stateDir, { recursive: true });
    // Before anything opens the events file or checkpoints of this folder.
    const releaseState = dryRun ? () => {} : lockStateFolder(loaded.stateDir, definition.name);
    try {
      return await Pipeline.assemble(loaded, registry, options, releaseState);
    } catch (error) {
      releaseState();
      throw error;
    }
  }

  private static async assemble(
    loaded: LoadedPipeline,
    registry: PluginRegistry,
    options: PipelineOptions,
    releaseState: () => void,
  ): Promise<Pipeline> {
    const { definition } = loaded;
    const dryRun = options.dryRun ?? false;
    const logger = options.logger ?? createLogger(definition.log);
    const container = createPipelineContainer(
      {
        stateDir: loaded.stateDir,
        logger,
        events: definition.events,
        mode: { once: options.once ?? false, dryRun },
      },
      options.container,
    );
    const create = async <T>(
      kind: 'source' | 'transformer' | 'sink',
      use: { type: string; id: string; options: object },
    ) => {
      const context = createPluginContext(container, use.id, {
        baseDir: loaded.baseDir,
        stateDir: loaded.stateDir,
        options: use.options,
      });
      try {
        const instance = (await registry.get(kind, use.type).create(use.options, context)) as T;
        return { id: use.id, type: use.type, instance } satisfies Part<T>;
      } catch (error) {
        throw attributeError(error, use.type, 'create');
      }
    };
    const sources: Part<Source>[] = [];
    for (const use of definition.sources) sources.push(await create<Source>('source', use));
    const transformers: Part<Transformer>[] = [];
    for (const use of definition.transformers) transformers.push(await create<Transformer>('transformer', use));
    let sink = await create<Sink>('sink', definition.sink);
    if (dryRun) {
      // The real sink only prepares records (partition keys, limits); nothing is started or sent.
      sink = { ...sink, instance: new JsonLinesSink(options.dryRunOutput ?? process.stdout, {}, sink.instance) };
    }
    const { metrics, events } = coreServices(container);
    const runner = new PipelineRunner(
      definition.name,
      { sources, transformers, sink },
      { logger, metrics, events },
      options,
    );
    return new Pipeline(loaded, container, runner, releaseState);
  }

  /** The `/health` probe of this pipeline; `stopping` aborts when a stop was asked for. */
  healthProbe(stopping: AbortSignal): () => Promise<HealthReport> {
    return createHealthProbe({
      metrics: this.services.metrics,
      conditions: () => this.runner.sinkConditions(),
      queue: () => this.runner.queue,
      stopping,
    });
  }

  get services() {
    return coreServices(this.container);
  }

  /** Runs to the end (see `PipelineRunner.run`), then flushes the events file. */
  async run(signal?: AbortSignal): Promise<RunSummary> {
    try {
      return await this.runner.run(signal);
    } finally {
      this.services.events.close();
      this.releaseState();
    }
  }
}
