import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Clock } from '../src/clock.js';
import {
  createPipelineContainer,
  createPluginContext,
  type EventLog,
  inject,
  injectable,
  Metric,
  Tokens,
} from '../src/index.js';
import { type Metrics } from '../src/metrics.js';

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
