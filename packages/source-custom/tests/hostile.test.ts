import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drain, harness, listTree, put, text } from './helpers.js';

const ok = (n: number) => ({ Data: Buffer.from(`ok ${n}`).toString('base64'), PartitionKey: `k${n}` });

describe('entries too large to read keep their text', () => {
  it('in delete mode the file is kept in quarantine, since the rejected output cannot hold the entry', async () => {
    const h = await harness({ afterDelivery: 'delete', maxRecordBytes: 1024 });
    // Far over 8 × maxRecordBytes + 64 KiB: the reader does not keep it.
    const huge = JSON.stringify({ Data: 'A'.repeat(200_000), PartitionKey: 'big' });
    await put(h.input, 'a.jsonl', [JSON.stringify(ok(1)), huge, JSON.stringify(ok(2))].join('\n'));
    const { records } = await drain(h.source);
    expect(records.map(text)).toEqual(['ok 1', 'ok 2']);
    const tree = await listTree(h.input);
    expect(tree).toContain('_quarantine/a.jsonl');
    // The entry's text survives byte for byte in the kept file.
    expect(await readFile(join(h.input, '_quarantine', 'a.jsonl'), 'utf8')).toContain(huge);
    const reasons = await readFile(join(h.input, '_quarantine', 'a.jsonl.rejected.jsonl'), 'utf8');
    expect(reasons).toMatch(/"line":2.*RECORD_TOO_LARGE/);
    expect(h.events().some((event) => event.code === 'FILE_KEPT')).toBe(true);
  });
});

describe('a deeply nested entry', () => {
  it('is rejected on its own; the other records of the file are delivered', async () => {
    const h = await harness();
    const deep = `${'['.repeat(20_000)}1${']'.repeat(20_000)}`;
    const records = [ok(1), ok(2)];
    const content = `{"Records":[${JSON.stringify(ok(1))},{"Data":${deep},"PartitionKey":"deep"},${JSON.stringify(ok(2))}]}`;
    await put(h.input, 'a.json', content);
    const drained = await drain(h.source);
    expect(drained.records.map(text)).toEqual(records.map((_, i) => `ok ${i + 1}`));
    expect(await listTree(h.input)).toEqual([
      '_archive/a.json',
      '_quarantine/a.json.rejected.csv',
      '_quarantine/a.json.rejected.jsonl',
    ]);
    expect(h.events().map((event) => event.code)).not.toContain('FILE_QUARANTINED');
  });
});

describe('top-level members of a custom file', () => {
  it('a "__proto__" member is an unknown member, never the file\'s stream', async () => {
    const h = await harness({ allowedStreams: ['elsewhere'] });
    await put(h.input, 'a.json', `{"__proto__":{"StreamName":"elsewhere"},"Records":[${JSON.stringify(ok(1))}]}`);
    const { records } = await drain(h.source);
    expect(records.map((record) => record.stream)).toEqual([]);
    expect(await listTree(h.input)).toEqual(['_quarantine/a.json']);
    const quarantined = h.events().find((event) => event.code === 'FILE_QUARANTINED');
    expect(quarantined?.message).toMatch(/__proto__/);
  });
});
