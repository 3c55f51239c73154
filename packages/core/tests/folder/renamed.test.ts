import { existsSync } from 'node:fs';
import { readdir, readFile, rename, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FolderSourceOptions } from '../../src/folder/types.js';
import { Metric, summariseOutcomes } from '../../src/index.js';
import type { SourceBatch } from '../../src/plugin.js';
import { drain, type Harness, makeSource, okLines, tempRoot, writeLines } from './helpers.js';

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const ack = (batch: SourceBatch) =>
  batch.ack(summariseOutcomes(batch.records.map(() => ({ status: 'delivered' as const }))));

const labels = { source: 'folder-test' };

/**
 * Reads `Data/a.csv` (rows 1..6, two batches) in continuous mode; while its first batch waits for the sink the
 * file is renamed to `Data/b.csv` (and `afterRename` runs). That batch is acknowledged after the new name was
 * scanned, or (`releaseEarly`) right after the last batch, before the next scan. Stops once `finished` holds.
 */
async function readWhileRenaming(
  root: string,
  options: {
    releaseEarly: boolean;
    finished: (harness: Harness) => Promise<boolean>;
    afterRename?: (path: string) => Promise<void>;
  },
  overrides: Partial<FolderSourceOptions> = {},
) {
  const oldPath = join(root, 'Data', 'a.csv');
  const newPath = join(root, 'Data', 'b.csv');
  await writeLines(oldPath, okLines(1, 6));
  const harness = makeSource(root, join(root, '_state'), overrides, { once: false });
  const { source, services } = harness;
  const controller = new AbortController();
  const values: number[] = [];
  let held: SourceBatch | undefined;
  const reading = (async () => {
    for await (const batch of source.read(controller.signal)) {
      values.push(...batch.records.map((record) => (record.value as { n: number }).n));
      if (!held) {
        held = batch;
        await rename(oldPath, newPath);
        await options.afterRename?.(newPath);
        continue;
      }
      await ack(batch);
      if (options.releaseEarly && held) await ack(held);
    }
  })();
  if (!options.releaseEarly) {
    const seen = async () => ((await services.metrics.value(Metric.filesSeen, labels)) ?? 0) >= 2;
    await until(seen, 'the file to be seen under its new name');
    await ack(held!);
  }
  await until(() => options.finished(harness), 'the file to be finished');
  controller.abort();
  await reading;
  await source.stop();
  return { ...harness, values: values.sort((a, b) => a - b) };
}

function archivedAny(dir: string) {
  return async () => existsSync(dir) && (await readdir(dir)).length > 0;
}

describe('a file renamed while it is read', () => {
  it.each([
    ['after the new name was scanned', false],
    ['before the new name was scanned', true],
  ] as const)('is sent once and archived once when its last acknowledgement comes %s', async (_when, releaseEarly) => {
    const root = await tempRoot();
    const archived = join(root, '_archive', 'Data');
    const { values, services } = await readWhileRenaming(root, { releaseEarly, finished: archivedAny(archived) });
    expect(values).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await readdir(archived)).toEqual(['b.csv']);
    expect(await readFile(join(archived, 'b.csv'), 'utf8')).toBe(`${okLines(1, 6).join('\n')}\n`);
    expect(await readdir(join(root, 'Data'))).toEqual([]);
    expect(services.events.list({ code: 'FILE_IO' })).toEqual([]);
  });

  it('with afterDelivery keep, stays under its new name marked done: a restart does not send it again', async () => {
    const root = await tempRoot();
    const finished = async ({ services }: Harness) =>
      ((await services.metrics.value(Metric.filesDone, labels)) ?? 0) >= 1;
    const { values, services } = await readWhileRenaming(
      root,
      { releaseEarly: false, finished },
      { afterDelivery: 'keep' },
    );
    expect(values).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await readdir(join(root, 'Data'))).toEqual(['b.csv']);
    expect(services.events.list({ code: 'FILE_IO' })).toEqual([]);
    const again = makeSource(root, join(root, '_state'), { afterDelivery: 'keep' });
    expect((await drain(again.source)).values).toEqual([]);
    await again.source.stop();
  });

  it('a file that changed (new mtime) under the new name is a new file and is read', async () => {
    const root = await tempRoot();
    const archived = join(root, '_archive', 'Data');
    const touch = async (path: string) => {
      const time = new Date(Date.now() - 30_000);
      await utimes(path, time, time);
    };
    const finished = archivedAny(archived);
    const { values } = await readWhileRenaming(root, { releaseEarly: false, finished, afterRename: touch });
    expect(values).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
  });
});
