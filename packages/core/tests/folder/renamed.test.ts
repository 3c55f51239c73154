import { existsSync } from 'node:fs';
import { readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Metric, summariseOutcomes } from '../../src/index.js';
import type { SourceBatch } from '../../src/plugin.js';
import { makeSource, okLines, tempRoot, writeLines } from './helpers.js';

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const ack = (batch: SourceBatch) =>
  batch.ack(summariseOutcomes(batch.records.map(() => ({ status: 'delivered' as const }))));

describe('a file renamed while it is read', () => {
  it.each([
    ['after the new name was scanned', false],
    ['before the new name was scanned', true],
  ] as const)('is sent once and archived once when its last acknowledgement comes %s', async (_when, releaseEarly) => {
    const root = await tempRoot();
    const oldPath = join(root, 'Data', 'a.csv');
    await writeLines(oldPath, okLines(1, 6));
    const { source, services } = makeSource(root, join(root, '_state'), {}, { once: false });
    const controller = new AbortController();
    const values: number[] = [];
    let held: SourceBatch | undefined;
    const reading = (async () => {
      for await (const batch of source.read(controller.signal)) {
        values.push(...batch.records.map((record) => (record.value as { n: number }).n));
        if (!held) {
          // The writer (or an operator) renames the file while its first batch waits for the sink.
          held = batch;
          await rename(oldPath, join(root, 'Data', 'b.csv'));
          continue;
        }
        await ack(batch);
        if (releaseEarly && held) await ack(held);
      }
    })();
    const archived = join(root, '_archive', 'Data');
    if (!releaseEarly) {
      const seen = async () => (await services.metrics.value(Metric.filesSeen, { source: 'folder-test' })) >= 2;
      await until(seen, 'the file to be seen under its new name');
      await ack(held!);
    }
    const archivedAny = async () => existsSync(archived) && (await readdir(archived)).length > 0;
    await until(archivedAny, 'the file to be archived');
    controller.abort();
    await reading;
    await source.stop();
    expect(values.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await readdir(archived)).toEqual(['b.csv']);
    expect(await readFile(join(archived, 'b.csv'), 'utf8')).toBe(`${okLines(1, 6).join('\n')}\n`);
    expect(await readdir(join(root, 'Data'))).toEqual([]);
    expect(services.events.list({ code: 'FILE_IO' })).toEqual([]);
  });
});
