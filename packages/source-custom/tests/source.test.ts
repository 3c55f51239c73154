import { randomBytes } from 'node:crypto';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { b64, codes, drain, harness, listTree, put, text } from './helpers.js';

/** `count` records with random payloads of 0..300 bytes (every byte value occurs), keys `k<i>`. */
function randomEntries(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    payload: randomBytes(i % 301),
    key: `k${i}`,
  }));
}

describe('byte-identical round trip', () => {
  it.each(['json', 'jsonl'])('the data of each %s record equals the decoded base64 exactly', async (format) => {
    const h = await harness({ dataEncoding: 'base64', batchSize: 64 });
    const entries = randomEntries(400);
    const records = entries.map((entry, i) => ({
      Data: b64(entry.payload),
      PartitionKey: entry.key,
      ...(i % 3 === 0 ? { ExplicitHashKey: String(BigInt(i) << 100n) } : {}),
    }));
    const content =
      format === 'json'
        ? JSON.stringify({ Records: records }, null, 1)
        : records.map((record) => JSON.stringify(record)).join('\r\n');
    await put(h.input, `batch.${format}`, content);
    const { records: read } = await drain(h.source);
    expect(read).toHaveLength(400);
    read.forEach((record, i) => {
      expect(Buffer.compare(Buffer.from(record.data!), entries[i].payload)).toBe(0);
      expect(record.partitionKey).toBe(entries[i].key);
      expect(record.explicitHashKey).toBe(i % 3 === 0 ? String(BigInt(i) << 100n) : undefined);
      expect(record.route).toBe('custom');
      expect(record.stream).toBeUndefined();
      expect(record.origin).toMatchObject({ sourceId: 'custom-0', index: i, line: i + 1 });
    });
    expect(await listTree(h.input)).toEqual([`_archive/batch.${format}`]);
    expect(h.events()).toEqual([]);
  });
});

const encodings: [string, (text: string) => Buffer][] = [
  ['UTF-8', (text) => Buffer.from(text, 'utf8')],
  ['UTF-8 with BOM and CRLF', (text) => Buffer.from(`\ufeff${text.replaceAll('\n', '\r\n')}`, 'utf8')],
  ['UTF-16LE with BOM', (text) => Buffer.from(`\ufeff${text}`, 'utf16le')],
  ['UTF-16BE with BOM', (text) => Buffer.from(`\ufeff${text}`, 'utf16le').swap16()],
];

describe.each(encodings)('text encoding %s', (_name, encode) => {
  it.each([
    [
      'doc.json',
      '{\n"Records": [\n{"Data": "grüße ✓", "PartitionKey": "ключ"},\n{"Data": {"t": "é"}, "PartitionKey": "b"}\n]\n}\n',
    ],
    ['doc.jsonl', '{"Data": "grüße ✓", "PartitionKey": "ключ"}\n{"Data": {"t": "é"}, "PartitionKey": "b"}\n'],
  ])('%s is decoded', async (name, content) => {
    const h = await harness();
    await put(h.input, name, encode(content));
    const { records } = await drain(h.source);
    expect(records.map(text)).toEqual(['grüße ✓', '{"t":"é"}']);
    expect(records.map((record) => record.partitionKey)).toEqual(['ключ', 'b']);
    expect(await listTree(h.input)).toEqual([`_archive/${name}`]);
  });
});

describe('streams named by the file', () => {
  const allowedStreams = ['orders', 'arn:aws:kinesis:eu-west-1:123456789012:stream/audit'];
  const record = { Data: 'aGk=', PartitionKey: 'k' };

  it.each([
    ['StreamName before Records', { StreamName: 'orders', Records: [record, record] }, 'orders'],
    ['StreamName after Records', { Records: [record, record], StreamName: 'orders' }, 'orders'],
    ['StreamARN', { StreamARN: allowedStreams[1], Records: [record, record] }, allowedStreams[1]],
    ['no stream', { Records: [record, record] }, undefined],
  ])('a JSON document with %s', async (_name, document, stream) => {
    const h = await harness({ allowedStreams });
    await put(h.input, 'a.json', JSON.stringify(document));
    const { records } = await drain(h.source);
    expect(records.map((r) => [r.route, r.stream])).toEqual([
      ['custom', stream],
      ['custom', stream],
    ]);
  });

  it.each([
    ['a stream not in allowedStreams', { StreamName: 'payments', Records: [record] }, allowedStreams, /"payments"/],
    ['any stream when allowedStreams is empty', { StreamName: 'orders', Records: [record] }, [], /is empty/],
    [
      'an ARN of another account',
      { StreamARN: allowedStreams[1].replace('1234', '9999'), Records: [record] },
      allowedStreams,
      /not in allowedStreams/,
    ],
  ])('quarantines a JSON document naming %s, sending nothing', async (_name, document, allowed, message) => {
    const h = await harness({ allowedStreams: allowed });
    await put(h.input, 'a.json', JSON.stringify(document));
    const { records } = await drain(h.source);
    expect(records).toEqual([]);
    expect(await listTree(h.input)).toEqual(['_quarantine/a.json']);
    const refused = h.events().find((event) => event.code === 'STREAM_NOT_ALLOWED');
    expect(refused?.message).toMatch(message);
    expect(refused?.message).toMatch(/a\.json/);
    expect(codes(h.events())).toEqual(['FILE_QUARANTINED', 'STREAM_NOT_ALLOWED']);
  });

  it('gives each JSON Lines record its own stream, or the route custom', async () => {
    const h = await harness({ allowedStreams });
    const lines = [{ ...record, StreamName: 'orders' }, record, { ...record, StreamARN: allowedStreams[1] }];
    await put(h.input, 'a.jsonl', lines.map((line) => JSON.stringify(line)).join('\n'));
    const { records } = await drain(h.source);
    expect(records.map((r) => r.stream)).toEqual(['orders', undefined, allowedStreams[1]]);
  });

  it.each([
    ['plainly', '{"StreamName":"payments","Data":"aGk=","PartitionKey":"k"}'],
    ['with an escaped member name', '{"Stre\\u0061mName":"payments","Data":"aGk=","PartitionKey":"k"}'],
  ])(
    'quarantines a JSON Lines file whose third line names a refused stream %s, before sending any line',
    async (_name, bad) => {
      const h = await harness({ allowedStreams });
      const good = JSON.stringify(record);
      await put(h.input, 'a.jsonl', [good, good, bad, good].join('\n'));
      const { records } = await drain(h.source);
      expect(records).toEqual([]);
      expect(await listTree(h.input)).toEqual(['_quarantine/a.jsonl']);
      expect(h.events().find((event) => event.code === 'STREAM_NOT_ALLOWED')?.message).toMatch(/line 3 StreamName/);
    },
  );
});

describe('paths never leave the configured folders', () => {
  it('quarantines a symbolic link that leads outside the watched folder and leaves its target alone', async () => {
    const h = await harness();
    const outside = join(h.dir, 'secret.json');
    await writeFile(outside, JSON.stringify({ Records: [{ Data: 'c2VjcmV0', PartitionKey: 'k' }] }));
    await symlink(outside, join(h.input, 'link.json'));
    const { records } = await drain(h.source);
    expect(records).toEqual([]);
    expect(await readFile(outside, 'utf8')).toContain('c2VjcmV0');
    expect(await listTree(h.input)).toEqual(['_quarantine/link.json']);
    expect(h.events().find((event) => event.code === 'FILE_OUTSIDE_ROOT')?.message).toMatch(
      /outside the watched folder/,
    );
  });

  it('uses stream names from files for nothing but the stream: a path-like name is refused', async () => {
    const h = await harness({ allowedStreams: ['../../escape'] });
    await put(
      h.input,
      'a.json',
      JSON.stringify({ StreamName: '../../escape', Records: [{ Data: 'aGk=', PartitionKey: 'k' }] }),
    );
    await drain(h.source);
    expect(await listTree(h.input)).toEqual(['_quarantine/a.json']);
    const written = (await listTree(h.dir)).filter((path) => !path.startsWith('state/'));
    expect(written).toEqual(['in/_quarantine/a.json']);
  });

  it('never reads sub-folders or names outside the include patterns; a hidden name is read like any other', async () => {
    const h = await harness();
    const document = JSON.stringify({ Records: [{ Data: 'aGk=', PartitionKey: 'k' }] });
    await mkdir(join(h.input, 'sub'));
    await put(join(h.input, 'sub'), 'nested.json', document);
    await put(h.input, '.hidden.json', document);
    await put(h.input, 'notes.txt', document);
    await put(h.input, 'writing.json.tmp', document);
    const { records } = await drain(h.source);
    // Data is never left behind for its name; producers that write dot-named temp files add `.*` to `ignore`.
    expect(records.map((record) => record.origin.file?.endsWith('.hidden.json'))).toEqual([true]);
    expect(await listTree(h.input)).toEqual(['notes.txt', 'sub/nested.json', 'writing.json.tmp']);
  });
});
