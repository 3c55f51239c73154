import { existsSync } from 'node:fs';
import { link, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileCheckpointStore } from '../../src/checkpoints.js';
import { type FolderCheckpointDocument } from '../../src/folder/FolderCheckpoints.js';
import { DeliveryError, Metric, RecordRejectedError, summariseOutcomes } from '../../src/index.js';
import type { RecordOutcome } from '../../src/record.js';
import { deliverAll, drain, LineDecoder, makeSource, okLines, readText, tempRoot, writeLines } from './helpers.js';

describe('FolderSource lifecycle', () => {
  it('reads files oldest first in batches and archives each after its acknowledgement, keeping the kind folder', async () => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'b.csv'), okLines(1, 4), 120);
    await writeLines(join(root, 'a.csv'), okLines(10, 11), 60);
    const { source, services } = makeSource(root, join(root, '_state'));
    const { batches, values } = await drain(source);
    await source.stop();
    expect(values).toEqual([1, 2, 3, 4, 10, 11]);
    expect(batches.map((batch) => batch.records.length)).toEqual([3, 1, 2]);
    expect(batches[0].records[0]).toMatchObject({
      route: 'data',
      origin: { sourceId: 'folder-test', line: 1, index: 0 },
    });
    expect(batches[2].records[0].route).toBe('alarm');
    expect(await readdir(join(root, '_archive', 'Data'))).toEqual(['b.csv']);
    expect(existsSync(join(root, '_archive', 'a.csv'))).toBe(true);
    expect(existsSync(join(root, 'Data', 'b.csv'))).toBe(false);
    expect(await services.metrics.value(Metric.filesDone, { source: 'folder-test' })).toBe(2);
    expect(await services.metrics.value(Metric.rowsRead, { source: 'folder-test' })).toBe(6);
  });

  it.each([
    ['an unacknowledged batch', 'hold' as const],
    ['a failed batch', 'fail' as const],
  ])('keeps a file with %s in place', async (_name, what) => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'x.csv'), okLines(1, 7));
    const { source } = makeSource(root, join(root, '_state'));
    const { held } = await drain(source, (batch, index) => {
      if (index !== 1) return deliverAll(batch, index);
      if (what === 'hold') return 'hold';
      return batch.records.map(() => ({ status: 'failed', error: new DeliveryError('SINK_UNREACHABLE', 'down') }));
    });
    await source.stop();
    expect(held.length).toBe(what === 'hold' ? 1 : 0);
    expect(existsSync(join(root, 'Data', 'x.csv'))).toBe(true);
    expect(existsSync(join(root, '_archive'))).toBe(false);
    const checkpoint = await new FileCheckpointStore(
      join(root, '_state', 'checkpoints'),
    ).load<FolderCheckpointDocument>('folder-test');
    expect(checkpoint?.files['Data/x.csv']).toMatchObject({ line: 3, records: 3 });
  });

  it('archives late when the last acknowledgement arrives after reading ended, out of order', async () => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'x.csv'), okLines(1, 7));
    const { source } = makeSource(root, join(root, '_state'));
    const { held } = await drain(source, () => 'hold');
    expect(held.length).toBe(3);
    await held[2].ack({ outcomes: [{ status: 'delivered' }], delivered: 1, filtered: 0, rejected: 0, failed: 0 });
    await held[0].ack({
      outcomes: held[0].records.map(() => ({ status: 'delivered' })),
      delivered: 3,
      filtered: 0,
      rejected: 0,
      failed: 0,
    });
    expect(existsSync(join(root, 'Data', 'x.csv'))).toBe(true);
    await held[1].ack({
      outcomes: held[1].records.map(() => ({ status: 'filtered' })),
      delivered: 0,
      filtered: 3,
      rejected: 0,
      failed: 0,
    });
    expect(existsSync(join(root, '_archive', 'Data', 'x.csv'))).toBe(true);
    await source.stop();
  });

  it('retries a file with failed records from its checkpoint (continuous mode)', async () => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'x.csv'), okLines(1, 7));
    const { source, decoder } = makeSource(root, join(root, '_state'), {}, { once: false });
    const controller = new AbortController();
    let failOnce = true;
    const seen: number[] = [];
    for await (const batch of source.read(controller.signal)) {
      seen.push(...batch.records.map((r) => (r.value as { n: number }).n));
      const fail = failOnce && (batch.records[0].value as { n: number }).n === 4;
      if (fail) failOnce = false;
      await batch.ack({
        outcomes: batch.records.map(() =>
          fail ? { status: 'failed', error: new Error('x') } : { status: 'delivered' },
        ),
        delivered: fail ? 0 : batch.records.length,
        filtered: 0,
        rejected: 0,
        failed: fail ? batch.records.length : 0,
      });
      if (existsSync(join(root, '_archive', 'Data', 'x.csv'))) controller.abort();
    }
    await source.stop();
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 4, 5, 6, 7]);
    expect(decoder.passes.map((pass) => pass.resumeLine)).toEqual([0, 3]);
    expect(decoder.passes[1].resumeOffset).toBe('ok 1\nok 2\nok 3\n'.length);
  });

  it.each([
    ['delete', false],
    ['keep', true],
  ] as const)('afterDelivery %s', async (afterDelivery, stays) => {
    const root = await tempRoot();
    await writeLines(join(root, 'a.csv'), okLines(1, 2));
    const first = makeSource(root, join(root, '_state'), { afterDelivery });
    await drain(first.source);
    await first.source.stop();
    expect(existsSync(join(root, 'a.csv'))).toBe(stays);
    const again = makeSource(root, join(root, '_state'), { afterDelivery });
    expect((await drain(again.source)).values).toEqual([]);
    await again.source.stop();
  });

  it('resumes after an abort mid-file: no loss, duplicates bounded by what was in flight', async () => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'big.csv'), okLines(1, 20));
    const first = makeSource(root, join(root, '_state'));
    const controller = new AbortController();
    const delivered: number[] = [];
    let count = 0;
    for await (const batch of first.source.read(controller.signal)) {
      count++;
      const values = batch.records.map((r) => (r.value as { n: number }).n);
      if (count <= 2) {
        delivered.push(...values);
        await batch.ack({
          outcomes: batch.records.map(() => ({ status: 'delivered' })),
          delivered: values.length,
          filtered: 0,
          rejected: 0,
          failed: 0,
        });
      }
      // Batch 3 stays in flight (never acknowledged) when the process "dies".
      if (count === 3) controller.abort();
    }
    await first.source.stop();
    const second = makeSource(root, join(root, '_state'));
    const { values } = await drain(second.source);
    await second.source.stop();
    expect(second.decoder.passes[0]).toMatchObject({ resumeLine: 6 });
    expect(values[0]).toBe(7);
    expect(new Set([...delivered, ...values])).toEqual(new Set(okLines(1, 20).map((_, i) => i + 1)));
    expect(delivered.length + values.length - 20).toBe(0);
    expect(values.at(-1)).toBe(20);
    expect(second.source).toBeDefined();
    expect(existsSync(join(root, '_archive', 'Data', 'big.csv'))).toBe(true);
  });

  it('writes rejected rows (decoder and sink) beside the quarantine with one event per file', async () => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'x.csv'), ['ok 1', 'bad one', 'ok 2', 'bad two', 'ok 3']);
    const { source, services } = makeSource(root, join(root, '_state'));
    await drain(source, (batch) =>
      batch.records.map((record) =>
        (record.value as { n: number }).n === 2
          ? { status: 'rejected', error: new RecordRejectedError('RECORD_TOO_LARGE', 'record too large') }
          : { status: 'delivered' },
      ),
    );
    await source.stop();
    expect(await readText(join(root, 'Failed', 'Data', 'x.csv.rejected.csv'))).toBe('bad one\nbad two\nok 2\n');
    const reasons = (await readText(join(root, 'Failed', 'Data', 'x.csv.rejected.jsonl')))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(reasons).toEqual([
      { line: 2, field: 'n', code: 'ROW_INVALID', reason: 'bad row', stage: 'decoder' },
      { line: 4, field: 'n', code: 'ROW_INVALID', reason: 'bad row', stage: 'decoder' },
      { line: 3, code: 'RECORD_TOO_LARGE', reason: 'record too large', stage: 'sink' },
    ]);
    const rowEvents = services.events.list({ code: 'ROW_INVALID' });
    expect(rowEvents).toHaveLength(1);
    expect(rowEvents[0]).toMatchObject({ count: 1, record: 'line 2 field n' });
    expect(rowEvents[0].message).toContain('2 row(s) rejected in Data/x.csv: line 2 field n: bad row; line 4 field n');
    expect(services.events.list({ code: 'RECORD_REJECTED' })).toHaveLength(1);
    expect(existsSync(join(root, '_archive', 'Data', 'x.csv'))).toBe(true);
    expect(await services.metrics.value(Metric.rowsRejected, { source: 'folder-test' })).toBe(2);
  });

  it('moves a file that cannot be decoded to quarantine whole, with an event', async () => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'junk.csv'), ['GARBAGE', 'ok 1']);
    await writeLines(join(root, 'Data', 'good.csv'), ['ok 5']);
    const { source, services } = makeSource(root, join(root, '_state'));
    const { values } = await drain(source);
    await source.stop();
    expect(values).toEqual([5]);
    expect(existsSync(join(root, 'Failed', 'Data', 'junk.csv'))).toBe(true);
    const [event] = services.events.list({ code: 'FILE_QUARANTINED' });
    expect(event.message).toContain('Data/junk.csv cannot be read');
    expect(await services.metrics.value(Metric.filesQuarantined, { source: 'folder-test' })).toBe(1);
  });

  it('gives archived files with a taken name a suffix', async () => {
    const root = await tempRoot();
    await writeLines(join(root, '_archive', 'Data', 'x.csv'), ['old']);
    await writeLines(join(root, 'Data', 'x.csv'), ['ok 1']);
    const { source } = makeSource(root, join(root, '_state'));
    await drain(source);
    await source.stop();
    expect((await readdir(join(root, '_archive', 'Data'))).sort()).toEqual(['x-1.csv', 'x.csv']);
  });
  it('quarantines a sink-rejected record as its bytes when the decoder kept no raw row and the sink took the JSON', async () => {
    // Prepare: a decoder that keeps no raw rows, and a data-only sink's view of each record (bytes, no value).
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'x.csv'), ['ok 1', 'ok 2', 'ok 3']);
    const decoder = new LineDecoder();
    const decode = decoder.decode.bind(decoder);
    decoder.decode = async function* (context) {
      for await (const items of decode(context)) {
        yield items.map((item) => (item.kind === 'record' ? { ...item, raw: undefined } : item));
      }
    };
    const { source } = makeSource(root, join(root, '_state'), { decoder });
    // Act
    for await (const batch of source.read(new AbortController().signal)) {
      const outcomes = batch.records.map((record): RecordOutcome => {
        const n = (record.value as { n: number }).n;
        record.data = new TextEncoder().encode(JSON.stringify(record.value));
        record.value = undefined;
        return n === 2
          ? { status: 'rejected', error: new RecordRejectedError('RECORD_TOO_LARGE', 'record too large') }
          : { status: 'delivered' };
      });
      await batch.ack(summariseOutcomes(outcomes));
    }
    await source.stop();
    // Assess: the row the sink refused is kept as the JSON it was sent as.
    expect(await readText(join(root, 'Failed', 'Data', 'x.csv.rejected.csv'))).toBe('{"n":2}\n');
  });

  it('finishes a move that a crash cut between link and unlink, without a second archive copy', async () => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'x.csv'), ['ok 1']);
    // The state a SIGKILL leaves: the archive already holds a second name of the input file.
    await mkdir(join(root, '_archive', 'Data'), { recursive: true });
    await link(join(root, 'Data', 'x.csv'), join(root, '_archive', 'Data', 'x.csv'));
    const { source } = makeSource(root, join(root, '_state'));
    await drain(source);
    await source.stop();
    expect(await readdir(join(root, '_archive', 'Data'))).toEqual(['x.csv']);
    expect(existsSync(join(root, 'Data', 'x.csv'))).toBe(false);
  });

  it('keeps a file whose rejected rows cannot be written, and writes them on the next pass', async () => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'x.csv'), ['ok 1', 'bad one', 'ok 2']);
    // A file where the quarantine folder should be: every write below it fails (like a full or read-only disk).
    await writeFile(join(root, 'Failed'), 'not a folder');
    const first = makeSource(root, join(root, '_state'));
    expect((await drain(first.source)).values).toEqual([1, 2]);
    await first.source.stop();
    expect(existsSync(join(root, 'Data', 'x.csv'))).toBe(true);
    expect(first.services.events.list({ code: 'FILE_IO' })[0].message).toContain('cannot write its rejected rows');
    expect(await first.services.metrics.value(Metric.filesDone, { source: 'folder-test' })).toBe(0);
    await rm(join(root, 'Failed'));
    const second = makeSource(root, join(root, '_state'));
    // The second pass re-reads the file only for its rejected row: the delivered records are not sent again.
    expect((await drain(second.source)).values).toEqual([]);
    await second.source.stop();
    expect(await readText(join(root, 'Failed', 'Data', 'x.csv.rejected.csv'))).toBe('bad one\n');
    expect(existsSync(join(root, '_archive', 'Data', 'x.csv'))).toBe(true);
  });
});
