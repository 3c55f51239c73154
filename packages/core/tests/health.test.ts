import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HealthCondition } from '../src/health.js';
import { Pipeline } from '../src/pipeline.js';
import type { PluginDefinition } from '../src/plugin.js';

/** A sink whose conditions the test sets, the way the kinesis sink reports streams unreachable or paused. */
function reportingSink(conditions: HealthCondition[]): PluginDefinition {
  return {
    kind: 'sink',
    type: 'reporting',
    description: 'test sink that reports conditions',
    optionsSchema: { type: 'object' },
    create: () => ({
      batching: { maxRecords: 10, maxBytes: 1000, lingerMs: 0, sizeOf: () => 1, keyOf: () => 'k' },
      write: async (records) => records.map(() => ({ status: 'delivered' as const })),
      maxInFlight: () => 1,
      health: () => conditions,
    }),
  };
}

async function pipeline(conditions: HealthCondition[]) {
  const state = mkdtempSync(join(tmpdir(), 'offloader-health-'));
  return Pipeline.fromDefinition(
    { state, sources: [{ type: 'empty', options: {} }], sink: { type: 'reporting' }, log: { level: 'silent' } },
    {
      plugins: [
        reportingSink(conditions),
        {
          kind: 'source',
          type: 'empty',
          description: 'test',
          optionsSchema: { type: 'object' },
          create: () => ({ id: 'x', async *read() {} }),
        },
      ],
    },
  );
}

describe('/health of a pipeline', () => {
  it("is not ready while the sink reports a blocking condition, and names it from the sink's typed report", async () => {
    const conditions: HealthCondition[] = [];
    const probe = (await pipeline(conditions)).healthProbe(new AbortController().signal);
    expect(await probe()).toEqual({ status: 'ok', live: true, ready: true, reasons: [] });

    conditions.push({
      code: 'STREAM_UNREACHABLE',
      subject: 'dm-trend',
      since: '2026-12-02T10:00:00.000Z',
      blocking: true,
      message: 'stream dm-trend unreachable (ECONNREFUSED); records kept and retried',
    });
    expect(await probe()).toEqual({
      status: 'degraded',
      live: true,
      ready: false,
      reasons: [
        'stream dm-trend unreachable (ECONNREFUSED); records kept and retried (since 2026-12-02T10:00:00.000Z)',
      ],
    });

    conditions.splice(0);
    expect(await probe()).toEqual({ status: 'ok', live: true, ready: true, reasons: [] });
  });

  it('stays ready while a stream only throttles (not blocking)', async () => {
    const probe = (
      await pipeline([
        { code: 'THROTTLING_STARTED', subject: 's', since: '2026-12-02T10:00:00.000Z', blocking: false, message: 'x' },
      ])
    ).healthProbe(new AbortController().signal);
    expect(await probe()).toMatchObject({ status: 'ok', ready: true });
  });

  it('is not ready once stopping', async () => {
    const stopping = new AbortController();
    const probe = (await pipeline([])).healthProbe(stopping.signal);
    stopping.abort();
    expect(await probe()).toEqual({
      status: 'degraded',
      live: true,
      ready: false,
      reasons: ['stopping: draining in-flight records'],
    });
  });
});
