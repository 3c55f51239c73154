import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderScanner } from '../../src/folder/FolderScanner.js';
import { CLAIMS_DIR } from '../../src/folder/types.js';
import { summariseOutcomes } from '../../src/index.js';
import { type SourceBatch } from '../../src/plugin.js';
import { drain, makeSource, okLines, tempRoot, writeLines } from './helpers.js';

describe('FolderSource modes', () => {
  it('once-mode waits for a young file to settle, delivers everything present at start, then ends', async () => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'old.csv'), okLines(1, 2));
    await writeLines(join(root, 'Data', 'young.csv'), okLines(3, 4), 0);
    const { source } = makeSource(root, join(root, '_state'), { complete: { mode: 'stable', settleMs: 300 } });
    const started = Date.now();
    const { values } = await drain(source);
    await source.stop();
    expect(values).toEqual([1, 2, 3, 4]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('once-mode ignores files that appear after the start', async () => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'a.csv'), okLines(1, 1));
    const { source } = makeSource(root, join(root, '_state'));
    const values: number[] = [];
    for await (const batch of source.read(new AbortController().signal)) {
      values.push(...batch.records.map((r) => (r.value as { n: number }).n));
      await writeLines(join(root, 'Data', 'late.csv'), okLines(9, 9));
      await batch.ack(summariseOutcomes(batch.records.map(() => ({ status: 'delivered' }))));
    }
    await source.stop();
    expect(values).toEqual([1]);
  });

  it('rename mode takes matching names at once and skips names still being written', async () => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'done.csv'), okLines(1, 1), 0);
    await writeLines(join(root, 'Data', 'busy.csv.part'), okLines(2, 2), 0);
    await writeLines(join(root, 'Data', 'busy.csv~'), okLines(3, 3), 0);
    const { source } = makeSource(root, join(root, '_state'), { complete: { mode: 'rename' } });
    expect((await drain(source)).values).toEqual([1]);
    await source.stop();
  });

  it('dry-run moves, archives, deletes and quarantines nothing and writes no claims, checkpoints or rejects', async () => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'x.csv'), ['ok 1', 'bad', 'ok 2']);
    await writeLines(join(root, 'Data', 'junk.csv'), ['GARBAGE']);
    const state = join(root, '_state');
    const { source, services } = makeSource(root, state, { afterDelivery: 'delete' }, { dryRun: true });
    const { values } = await drain(source);
    await source.stop();
    expect(values).toEqual([1, 2]);
    expect((await readdir(join(root, 'Data'))).sort()).toEqual(['junk.csv', 'x.csv']);
    expect(existsSync(join(root, CLAIMS_DIR))).toBe(false);
    expect(existsSync(join(root, 'Failed'))).toBe(false);
    expect(existsSync(join(state, 'checkpoints'))).toBe(false);
    expect(services.events.list({ code: 'FILE_QUARANTINED' })).toHaveLength(1);
    expect(services.events.list({ code: 'ROW_INVALID' })).toHaveLength(1);
  });

  it('two instances on one folder never both take one file', async () => {
    const root = await tempRoot();
    for (let i = 0; i < 12; i++) await writeLines(join(root, 'Data', `f${i}.csv`), okLines(i * 10, i * 10 + 4));
    const a = makeSource(root, join(root, '_state_a'), { batchSize: 2 });
    const b = makeSource(root, join(root, '_state_b'), { batchSize: 2 });
    const files = { a: new Set<string>(), b: new Set<string>() };
    const run = async (name: 'a' | 'b', source: typeof a.source) => {
      for await (const batch of source.read(new AbortController().signal)) {
        for (const record of batch.records) files[name].add(record.origin.file!);
        await new Promise((resolve) => setTimeout(resolve, 1));
        await batch.ack(summariseOutcomes(batch.records.map(() => ({ status: 'delivered' }))));
      }
    };
    await Promise.all([run('a', a.source), run('b', b.source)]);
    await Promise.all([a.source.stop(), b.source.stop()]);
    const both = [...files.a].filter((file) => files.b.has(file));
    expect(both).toEqual([]);
    expect(files.a.size + files.b.size).toBe(12);
    expect(await readdir(join(root, CLAIMS_DIR))).toEqual([]);
    expect((await readdir(join(root, '_archive', 'Data'))).length).toBe(12);
  });

  it('a file kept in place after delivery is never sent again by another instance, until it changes', async () => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'x.csv'), okLines(1, 3));
    const a = makeSource(root, join(root, '_state_a'), { afterDelivery: 'keep' });
    expect((await drain(a.source)).values).toEqual([1, 2, 3]);
    await a.source.stop();
    // B has its own state folder: only the done marker in the shared folder can tell it the file was sent.
    const b = makeSource(root, join(root, '_state_b'), { afterDelivery: 'keep' });
    expect((await drain(b.source)).values).toEqual([]);
    await b.source.stop();
    await writeLines(join(root, 'Data', 'x.csv'), okLines(1, 4));
    const c = makeSource(root, join(root, '_state_c'), { afterDelivery: 'keep' });
    expect((await drain(c.source)).values).toEqual([1, 2, 3, 4]);
    await c.source.stop();
  });

  it.each([
    ['a dead pid on this host', { pid: 2 ** 22 + 12345, host: hostname() }, 0, true],
    ['a live pid on this host', { pid: process.pid, host: hostname() }, 0, false],
    ['another host, touched recently', { pid: 1, host: 'elsewhere' }, 0, false],
    ['another host, not touched for longer than staleClaimMs', { pid: 1, host: 'elsewhere' }, 3600, true],
  ])('a claim held by %s is taken over: %s', async (_name, body, ageSeconds, takenOver) => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'x.csv'), okLines(1, 1));
    await mkdir(join(root, CLAIMS_DIR), { recursive: true });
    const claim = join(root, CLAIMS_DIR, `${encodeURIComponent('Data/x.csv')}.claim`);
    await writeFile(
      claim,
      JSON.stringify({ ...body, time: new Date().toISOString(), source: 'other', file: 'Data/x.csv' }),
    );
    const time = new Date(Date.now() - ageSeconds * 1000);
    await utimes(claim, time, time);
    const { source } = makeSource(root, join(root, '_state'), { staleClaimMs: 60_000 });
    const { values } = await drain(source);
    await source.stop();
    expect(values).toEqual(takenOver ? [1] : []);
    expect(existsSync(claim)).toBe(!takenOver);
  });

  it('stop() commits progress and releases claims without archiving unacknowledged files', async () => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'x.csv'), okLines(1, 5));
    const { source } = makeSource(root, join(root, '_state'));
    const controller = new AbortController();
    const held: SourceBatch[] = [];
    for await (const batch of source.read(controller.signal)) {
      held.push(batch);
      controller.abort();
    }
    await source.stop();
    expect(await readdir(join(root, CLAIMS_DIR))).toEqual([]);
    expect(existsSync(join(root, 'Data', 'x.csv'))).toBe(true);
    // An acknowledgement after stop may still checkpoint, but never archives a file that was not fully read.
    await held[0].ack(summariseOutcomes(held[0].records.map(() => ({ status: 'delivered' }))));
    expect(existsSync(join(root, 'Data', 'x.csv'))).toBe(true);
  });
});

describe('FolderScanner', () => {
  it('matches kind folders and names case-insensitively, never recursing or reading failure/_/. folders, reading hidden files', async () => {
    const root = await tempRoot();
    for (const path of [
      'DATA/a.CSV',
      'DATA/b.csv.tmp',
      'DATA/c.txt',
      'DATA/failure/d.csv',
      'DATA/sub/e.csv',
      'f.csv',
      '_dialect/g.csv',
      'Failed/h.csv',
      '.hidden/i.csv',
      '.j.csv',
    ]) {
      await writeLines(join(root, ...path.split('/')), ['ok 1']);
    }
    await rename(join(root, 'DATA'), join(root, 'DATA'));
    const scanner = new FolderScanner(root, [
      { route: 'data', dir: 'Data' },
      { route: 'alarm', dir: '.' },
    ]);
    const files = await scanner.scan();
    expect(files.map((file) => [file.relPath, file.kind.route]).sort()).toEqual([
      ['.j.csv', 'alarm'],
      ['DATA/a.CSV', 'data'],
      ['f.csv', 'alarm'],
    ]);
  });

  it.each(['failure', 'Failed', '_x', '.hidden', '../up'])('refuses the kind folder %s', (dir) => {
    expect(() => new FolderScanner('/tmp', [{ route: 'data', dir }])).toThrow(/not allowed/);
  });
});
