import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderWatcher } from '../../src/folder/FolderWatcher.js';
import { type SourceBatch, summariseOutcomes, systemClock } from '../../src/index.js';
import { makeSource, okLines, tempRoot, writeLines } from './helpers.js';

const values = (batch: SourceBatch) => batch.records.map((record) => (record.value as { n: number }).n);

describe('FolderSource watch', () => {
  it('reads a file renamed into place at once on a notification, long before the next poll', async () => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'first.csv'), okLines(1, 1), 0);
    // A poll interval of ten minutes: only a notification can bring the second file within the test's time.
    const { source } = makeSource(
      root,
      join(root, '_state'),
      { watch: true, pollIntervalMs: 600_000, complete: { mode: 'rename' } },
      { once: false },
    );
    const stop = new AbortController();
    const seen: number[][] = [];
    for await (const batch of source.read(stop.signal)) {
      seen.push(values(batch));
      await batch.ack(summariseOutcomes(batch.records.map(() => ({ status: 'delivered' }))));
      if (seen.length === 1) {
        // Written under a temporary name (ignored: *.tmp), then renamed into place, as a careful writer does.
        await writeLines(join(root, 'Data', 'second.csv.tmp'), okLines(2, 3), 0);
        await rename(join(root, 'Data', 'second.csv.tmp'), join(root, 'Data', 'second.csv'));
      } else {
        stop.abort();
      }
    }
    await source.stop();
    expect(seen).toEqual([[1], [2, 3]]);
  }, 20_000);

  it('falls back to polling for a folder that cannot be watched, and says so once', async () => {
    const root = await tempRoot();
    const unwatchable: string[] = [];
    const watcher = new FolderWatcher(systemClock, (dir) => unwatchable.push(dir));
    const missing = join(root, 'no-such-folder');
    watcher.watch([root, missing]);
    watcher.watch([root, missing]);
    expect(unwatchable).toEqual([missing]);
    expect(watcher.watched).toEqual([root]);
    // No notification comes: the wait ends by its timer, as a poll would.
    const started = Date.now();
    await watcher.wait(30, new AbortController().signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    watcher.close();
  });
});
