import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corePlugins, Pipeline } from '@offloader/core';
import { describe, expect, it } from 'vitest';
import { healthProbe } from '../src/commands/run.js';

async function pipeline() {
  const state = mkdtempSync(join(tmpdir(), 'offloader-health-'));
  return Pipeline.fromDefinition(
    { state, sources: [{ type: 'jsonl-file', options: {} }], sink: { type: 'null' }, log: { level: 'silent' } },
    {
      plugins: [
        ...corePlugins,
        {
          kind: 'source',
          type: 'jsonl-file',
          description: 'test',
          optionsSchema: { type: 'object' },
          create: () => ({ id: 'x', async *read() {} }),
        },
      ],
    },
  );
}

describe('/health of offloader run', () => {
  it('says which stream is unreachable and is not ready until it recovers', async () => {
    const p = await pipeline();
    const probe = healthProbe(p, new AbortController().signal);
    expect(probe()).toEqual({ status: 'ok', live: true, ready: true, reasons: [] });
    const { events } = p.services;
    events.emit({
      severity: 'error',
      source: 'kinesis',
      code: 'STREAM_UNREACHABLE',
      message: 'stream dm-trend is unreachable: ECONNREFUSED; retrying',
    });
    const down = probe();
    expect(down).toMatchObject({ status: 'degraded', ready: false });
    expect(down.reasons[0]).toMatch(/^stream dm-trend unreachable \(last report .+\); records kept and retried$/);
    events.emit({
      severity: 'info',
      source: 'kinesis',
      code: 'STREAM_RECOVERED',
      message: 'stream dm-trend answers again (was unreachable)',
    });
    expect(probe()).toEqual({ status: 'ok', live: true, ready: true, reasons: [] });
  });
});
