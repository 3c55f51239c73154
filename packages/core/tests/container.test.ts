import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { container as rootContainer } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { type Clock } from '../src/clock.js';
import { EventLog } from '../src/events.js';
import { createPipelineContainer, createPluginContext, inject, injectable, Metric, Tokens } from '../src/index.js';
import { type Metrics, PromMetrics } from '../src/metrics.js';
import { corePlugins, Pipeline } from '../src/pipeline.js';
import { definePlugin } from '../src/plugin.js';

/** A plugin class the way an author writes one: explicit tokens on every constructor parameter. */
@injectable()
class CountingTransformer {
  constructor(
    @inject(Tokens.Metrics) readonly metrics: Metrics,
    @inject(Tokens.Events) readonly events: EventLog,
    @inject(Tokens.Clock) readonly clock: Clock,
  ) {}

  seen(): void {
    this.metrics.add(Metric.recordsIn, { source: 'di' });
  }
}

const stateDir = () => mkdtempSync(join(tmpdir(), 'offloader-di-'));

describe('pipeline container', () => {
  it('injects the core services into a decorated plugin class', async () => {
    const container = createPipelineContainer({ stateDir: stateDir() });
    const plugin = container.resolve(CountingTransformer);
    plugin.seen();
    expect(await container.resolve<Metrics>(Tokens.Metrics).value(Metric.recordsIn, { source: 'di' })).toBe(1);
    expect(plugin.events).toBe(container.resolve(Tokens.Events));
  });

  it('gives each pipeline its own services', async () => {
    const first = createPipelineContainer({ stateDir: stateDir() });
    const second = createPipelineContainer({ stateDir: stateDir() });
    first.resolve(CountingTransformer).seen();
    expect(await second.resolve<Metrics>(Tokens.Metrics).value(Metric.recordsIn, { source: 'di' })).toBe(0);
    expect(first.resolve(Tokens.Events)).not.toBe(second.resolve(Tokens.Events));
  });

  it('keeps dry-run checkpoints in memory and hands plugins their own state folder', async () => {
    const dir = stateDir();
    const container = createPipelineContainer({ stateDir: dir, mode: { dryRun: true } });
    const context = createPluginContext(container, 'dma/346', { baseDir: '/etc/offloader', stateDir: dir });
    expect(context.mode).toEqual({ once: false, dryRun: true });
    expect(context.stateDir).toBe(join(dir, 'dma_346'));
    const checkpoints = container.resolve<{
      save(id: string, v: unknown): Promise<void>;
      load(id: string): Promise<unknown>;
    }>(Tokens.Checkpoints);
    await checkpoints.save('s', { line: 3 });
    expect(await checkpoints.load('s')).toEqual({ line: 3 });
    const fresh = createPipelineContainer({ stateDir: dir }).resolve<typeof checkpoints>(Tokens.Checkpoints);
    expect(await fresh.load('s')).toBeUndefined();
  });
});

/** A plugin that takes its instance services and one collaborator from its own container. */
@injectable()
class Greeter {
  constructor(
    @inject(Tokens.PluginId) readonly id: string,
    @inject(Tokens.PluginOptions) readonly options: { greeting: string },
    @inject(Tokens.PluginStateDir) readonly stateDir: string,
    @inject(Tokens.Clock) readonly clock: Clock,
  ) {}
}

describe('plugin containers and integrator overrides', () => {
  it('gives each plugin instance a child container with its id, options and state folder', () => {
    const pipeline = createPipelineContainer({ stateDir: stateDir() });
    const first = createPluginContext(pipeline, 'greeter-1', {
      baseDir: '/base',
      stateDir: '/tmp/offloader-di-state',
      options: { greeting: 'hello' },
    });
    const second = createPluginContext(pipeline, 'greeter-2', {
      baseDir: '/base',
      stateDir: '/tmp/offloader-di-state',
      options: { greeting: 'hi' },
    });
    const a = first.container.resolve(Greeter);
    const b = second.container.resolve(Greeter);
    expect([a.id, a.options.greeting, a.stateDir]).toEqual([
      'greeter-1',
      'hello',
      join('/tmp/offloader-di-state', 'greeter-1'),
    ]);
    expect([b.id, b.options.greeting]).toEqual(['greeter-2', 'hi']);
    // Pipeline services are shared by the instances of one pipeline.
    expect(a.clock).toBe(b.clock);
    expect(first.container.resolve(Tokens.Metrics)).toBe(pipeline.resolve(Tokens.Metrics));
  });

  it('uses the clock, metrics and event log an integrator registered before Pipeline.build', async () => {
    const clock: Clock = { now: () => 1_700_000_000_000, sleep: async () => undefined };
    const metrics = new PromMetrics();
    const events = new EventLog({ maxRows: 10, maxAgeHours: 1, aggregateWindowMs: 0 }, clock);
    const parent = rootContainer.createChildContainer();
    parent.register(Tokens.Clock, { useValue: clock });
    parent.register(Tokens.Metrics, { useValue: metrics });
    parent.register(Tokens.Events, { useValue: events });
    const pipeline = await Pipeline.fromDefinition(
      { state: stateDir(), sources: [{ type: 'one-record' }], sink: { type: 'null' }, log: { level: 'silent' } },
      { once: true, container: parent, plugins: [...corePlugins, oneRecordSource] },
    );
    const summary = await pipeline.run();
    expect(summary.ok).toBe(true);
    expect(await metrics.value(Metric.recordsDelivered, { source: 'one-record' })).toBe(1);
    const started = events.list({ code: 'PIPELINE_STARTED' });
    expect(started).toHaveLength(1);
    expect(started[0].time).toBe(new Date(1_700_000_000_000).toISOString());
  });
});

/** A source of one record, then the end. */
const oneRecordSource = definePlugin<'source', Record<string, never>>({
  kind: 'source',
  type: 'one-record',
  description: 'one record',
  optionsSchema: { type: 'object' },
  create: (_options, context) => ({
    id: context.id,
    async *read() {
      yield {
        records: [{ route: 'r', value: { n: 1 }, origin: { sourceId: context.id, index: 0 } }],
        ack: async () => undefined,
      };
    },
  }),
});
