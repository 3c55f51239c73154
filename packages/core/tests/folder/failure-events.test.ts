import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeliveryError, type RecordOutcome } from '../../src/index.js';
import { drain, makeSource, okLines, tempRoot, writeLines } from './helpers.js';

describe('a stream that keeps failing (deleted mid-run)', () => {
  it('raises FILE_DELIVERY_FAILED once per file when it starts failing, not once per retry', async () => {
    const root = await tempRoot();
    for (const name of ['a', 'b', 'c']) await writeLines(join(root, 'Data', `${name}.csv`), okLines(1, 2));
    const { source, services } = makeSource(root, join(root, '_state'), { retryDelayMs: 10 }, { once: false });
    const emitted: string[] = [];
    services.events.onEvent((event) => {
      if (event.code === 'FILE_DELIVERY_FAILED') emitted.push(event.file ?? '');
    });
    const controller = new AbortController();
    let passes = 0;
    const failing = (): RecordOutcome => ({ status: 'failed', error: new DeliveryError('STREAM_NOT_FOUND', 'gone') });
    const reading = drain(
      source,
      (batch) => {
        passes += 1;
        if (passes >= 15) controller.abort();
        return batch.records.map(failing);
      },
      controller.signal,
    );
    await reading;
    await source.stop();
    // Every file was retried several times ...
    expect(passes).toBeGreaterThanOrEqual(15);
    // ... but reported once.
    expect(emitted.sort()).toEqual(['a.csv', 'b.csv', 'c.csv'].map((name) => join(root, 'Data', name)));
  });
});
