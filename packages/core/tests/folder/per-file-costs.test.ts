import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLAIMS_DIR } from '../../src/folder/types.js';
import { summariseOutcomes } from '../../src/record.js';
import { drain, makeSource, okLines, recordSaves, tempRoot, writeLines } from './helpers.js';

const FILES = 30;

/** A backlog of small files, like DataMiner's: per-file costs dominate. */
async function smallFiles(root: string): Promise<void> {
  for (let i = 0; i < FILES; i++) {
    await writeLines(join(root, 'Data', `f-${String(i).padStart(3, '0')}.csv`), okLines(3 * i + 1, 3 * i + 3));
  }
}

/** Past pid_max: no process on this host has it, so its claims are a crashed holder's. */
const DEAD_PID = 4_194_305;

describe('per-file costs (a backlog of DataMiner-sized files)', () => {
  it('costs no checkpoint write of its own: a deleted file needs none, the next coalesced write forgets it', async () => {
    const root = await tempRoot();
    await smallFiles(root);
    const harness = makeSource(root, join(root, '_state'), {
      afterDelivery: 'delete',
      checkpointIntervalMs: 3_600_000,
    });
    // An hour's checkpoint interval leaves only forced writes.
    const saves = recordSaves(harness.services.checkpoints);
    const { values } = await drain(harness.source);
    expect(values).toHaveLength(3 * FILES);
    expect(saves.length).toBe(0);
    expect(await readdir(join(root, 'Data'))).toEqual([]);
    await harness.source.stop();
    expect(saves.length).toBe(1);
  });

  it('keep: after a crash before any checkpoint write, the durable done markers keep every file from being sent again', async () => {
    const root = await tempRoot();
    await smallFiles(root);
    const first = makeSource(root, join(root, '_state'), { afterDelivery: 'keep', checkpointIntervalMs: 3_600_000 });
    const saves = recordSaves(first.services.checkpoints);
    expect((await drain(first.source)).values).toHaveLength(3 * FILES);
    expect(saves.length).toBe(0);

    // The crash: no stop(), nothing flushed, and the holder of the claims is gone.
    const claims = join(root, CLAIMS_DIR);
    const names = await readdir(claims);
    expect(names).toHaveLength(FILES);
    for (const name of names) {
      const body = JSON.parse(await readFile(join(claims, name), 'utf8'));
      await writeFile(join(claims, name), JSON.stringify({ ...body, pid: DEAD_PID }));
    }
    expect(existsSync(join(root, '_state', 'checkpoints', 'folder-test.json'))).toBe(false);

    const second = makeSource(root, join(root, '_state'), { afterDelivery: 'keep' });
    expect((await drain(second.source)).values).toEqual([]);
    await second.source.stop();
  });

  it('checks and claims the next file while the current one is read, and no further ahead than that', async () => {
    const root = await tempRoot();
    await smallFiles(root);
    const { source } = makeSource(root, join(root, '_state'), { afterDelivery: 'delete' });
    const claims = join(root, CLAIMS_DIR);
    // Claims only: a claim is written to a temporary name first and then linked to its own.
    const claimed = async () =>
      (await readdir(claims).catch(() => [] as string[])).filter((name) => name.endsWith('.claim')).sort();
    const reading = source.read(new AbortController().signal)[Symbol.asyncIterator]();
    const first = await reading.next();
    expect(first.done).toBe(false);
    if (first.done) return;
    // File 0 is being read (its batch not yet acknowledged): file 1's claim appears beside it, file 2's does not.
    const end = Date.now() + 5000;
    while ((await claimed()).length < 2 && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await claimed()).toEqual(['Data%2Ff-000.csv.claim', 'Data%2Ff-001.csv.claim']);
    const values = first.value.records.map((record) => (record.value as { n: number }).n);
    let step: IteratorResult<(typeof first)['value']> = first;
    while (!step.done) {
      await step.value.ack(summariseOutcomes(step.value.records.map(() => ({ status: 'delivered' as const }))));
      step = await reading.next();
      if (!step.done) values.push(...step.value.records.map((record) => (record.value as { n: number }).n));
    }
    await source.stop();
    expect(values).toEqual(okLines(1, 3 * FILES).map((line) => Number(line.split(' ')[1])));
    expect(await claimed()).toEqual([]);
  });
});
