import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { summariseOutcomes } from '@offloader/core';
import { describe, expect, it } from 'vitest';
import { drain, harness, listTree, put, tempDir, text } from './helpers.js';

const entries = Array.from({ length: 45 }, (_, i) => ({
  Data: Buffer.from(`r${i + 1}`).toString('base64'),
  PartitionKey: 'k',
}));
const contents = {
  'a.json': `\ufeff${JSON.stringify({ Records: entries }, null, 1).replaceAll('\n', '\r\n')}`,
  'a.jsonl': `\ufeff${entries.map((entry) => JSON.stringify(entry)).join('\r\n')}\r\n`,
};

describe.each(Object.entries(contents))('%s', (name, content) => {
  it('is archived only once every batch was acknowledged', async () => {
    const h = await harness({ batchSize: 10 });
    await put(h.input, name, content);
    const batches = [];
    for await (const batch of h.source.read(new AbortController().signal)) batches.push(batch);
    expect(batches.map((batch) => batch.records.length)).toEqual([10, 10, 10, 10, 5]);
    // Out of order, the first batch last: the file must stay until it is acknowledged too.
    for (const batch of batches.slice(1))
      await batch.ack(summariseOutcomes(batch.records.map(() => ({ status: 'delivered' }))));
    expect(await listTree(h.input)).toEqual([name]);
    await batches[0].ack(summariseOutcomes(batches[0].records.map(() => ({ status: 'delivered' }))));
    expect(await listTree(h.input)).toEqual([`_archive/${name}`]);
    await h.source.stop?.();
  });

  it('resumes after the last acknowledged record when delivery failed part-way', async () => {
    const dir = await tempDir();
    const first = await harness({ batchSize: 10 }, dir);
    await put(first.input, name, content);
    // Records 1–20 delivered; one record of the third batch fails, so nothing from 21 on is committed.
    const run1 = await drain(first.source, (record) =>
      record.origin.index === 24 ? { status: 'failed', error: new Error('outage') } : { status: 'delivered' },
    );
    expect(run1.records).toHaveLength(45);
    expect(await listTree(first.input)).toEqual([name]);
    expect(first.events().map((event) => event.code)).toEqual(['FILE_DELIVERY_FAILED']);
    const checkpoint = JSON.parse(await readFile(join(dir, 'state/checkpoints/custom-0.json'), 'utf8'));
    // JSON Lines (UTF-8) resume at the byte after line 20 (BOM + 20 CRLF lines); documents by record number.
    const offset = name.endsWith('.jsonl')
      ? Buffer.byteLength(content.split('\r\n').slice(0, 20).join('\r\n')) + 2
      : undefined;
    expect(checkpoint.files[name]).toMatchObject({ line: 20, records: 20 });
    expect(checkpoint.files[name].offset).toBe(offset);

    const second = await harness({ batchSize: 10 }, dir);
    const run2 = await drain(second.source);
    expect(run2.records.map(text)).toEqual(entries.slice(20).map((_, i) => `r${i + 21}`));
    expect(run2.records[0].origin.index).toBe(20);
    expect(await listTree(second.input)).toEqual([`_archive/${name}`]);
  });
});

it('a rejected record goes to the quarantine output with its raw text, the file is still archived', async () => {
  const h = await harness();
  await put(h.input, 'a.json', JSON.stringify({ Records: [entries[0], entries[1]] }));
  await drain(h.source, (record) =>
    record.origin.index === 1
      ? { status: 'rejected', error: new Error('too large for the sink') }
      : { status: 'delivered' },
  );
  expect(await listTree(h.input)).toEqual([
    '_archive/a.json',
    '_quarantine/a.json.rejected.csv',
    '_quarantine/a.json.rejected.jsonl',
  ]);
  expect(await readFile(join(h.input, '_quarantine/a.json.rejected.csv'), 'utf8')).toBe(
    `${JSON.stringify(entries[1])}\n`,
  );
});
