import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CustomSourceOptions } from '../src/options.js';
import { codes, drain, harness, listTree, put, text } from './helpers.js';

const ok = (n: number) => ({ Data: Buffer.from(`ok ${n}`).toString('base64'), PartitionKey: `k${n}` });
const line = (value: unknown) => JSON.stringify(value);
const doc = (records: unknown[]) => JSON.stringify({ Records: records }, null, 2);

interface BadCase {
  name: string;
  file: string;
  content: string | Buffer;
  options?: Partial<CustomSourceOptions>;
  /** Texts of the records delivered. */
  delivered: string[];
  /** Where the file ends up. */
  tree: string[];
  /** Codes of the events. */
  events: string[];
  /** Each rejected row as `line code field`, from `<file>.rejected.jsonl`. */
  rejected?: string[];
  /** Pattern the first error event's message must match. */
  message?: RegExp;
}

const cases: BadCase[] = [
  {
    name: 'a .json file that is not JSON at all',
    file: 'a.json',
    content: 'id;value\r\n1;2\r\n',
    delivered: [],
    tree: ['_quarantine/a.json'],
    events: ['FILE_QUARANTINED'],
    message: /a\.json:1: not a JSON object with a Records array: expected "\{"/,
  },
  {
    name: 'a truncated .json file',
    file: 'a.json',
    content: doc([ok(1), ok(2)]).slice(0, -10),
    delivered: [],
    tree: ['_quarantine/a.json'],
    events: ['FILE_QUARANTINED'],
    message: /ends early/,
  },
  {
    name: 'a .json file with an unknown top-level member',
    file: 'a.json',
    content: JSON.stringify({ Records: [ok(1)], Stream: 'x' }),
    delivered: [],
    tree: ['_quarantine/a.json'],
    events: ['FILE_QUARANTINED'],
    message: /\/Stream is not a known field/,
  },
  {
    name: 'a .jsonl file that is not JSON Lines at all',
    file: 'a.jsonl',
    content: 'id,value\n1,2\n',
    delivered: [],
    tree: ['_quarantine/a.jsonl'],
    events: ['FILE_QUARANTINED'],
    message: /a\.jsonl:1: not JSON Lines/,
  },
  {
    name: 'one broken JSON Lines line',
    file: 'a.jsonl',
    content: [line(ok(1)), '{"Data": "aGk=", PartitionKey: "k"}', '', line(ok(3))].join('\n'),
    delivered: ['ok 1', 'ok 3'],
    tree: ['_archive/a.jsonl', '_quarantine/a.jsonl.rejected.csv', '_quarantine/a.jsonl.rejected.jsonl'],
    events: ['ROW_INVALID'],
    rejected: ['2 JSON_SYNTAX -'],
    message: /line 2: invalid JSON/,
  },
  {
    name: 'wrong shapes in a JSON document',
    file: 'a.json',
    content: doc([ok(1), { Data: 'aGk=' }, 'just a string', { ...ok(4), Extra: 1 }, ok(5)]),
    delivered: ['ok 1', 'ok 5'],
    tree: ['_archive/a.json', '_quarantine/a.json.rejected.csv', '_quarantine/a.json.rejected.jsonl'],
    events: ['ROW_INVALID'],
    rejected: ['2 RECORD_INVALID /PartitionKey', '3 RECORD_INVALID -', '4 RECORD_INVALID /Extra'],
    message: /line 2 field \/PartitionKey: Records\[1\] at line 7: \/PartitionKey is required/,
  },
  {
    name: 'a broken element in a JSON document',
    file: 'a.json',
    content: `{"Records":[${line(ok(1))},\n{"Data":"aGk=" "PartitionKey":"k"},\n${line(ok(3))},]}`,
    delivered: ['ok 1', 'ok 3'],
    tree: ['_archive/a.json', '_quarantine/a.json.rejected.csv', '_quarantine/a.json.rejected.jsonl'],
    events: ['ROW_INVALID'],
    rejected: ['2 JSON_SYNTAX -', '4 JSON_SYNTAX -'],
    message: /Records\[1\] at line 2: invalid JSON/,
  },
  {
    name: 'bad base64',
    file: 'a.jsonl',
    content: [
      line(ok(1)),
      line({ Data: 'aGVsbG8', PartitionKey: 'k' }),
      line({ Data: 'a b=', PartitionKey: 'k' }),
    ].join('\n'),
    options: { dataEncoding: 'base64' },
    delivered: ['ok 1'],
    tree: ['_archive/a.jsonl', '_quarantine/a.jsonl.rejected.csv', '_quarantine/a.jsonl.rejected.jsonl'],
    events: ['ROW_INVALID'],
    rejected: ['2 DATA_ENCODING_INVALID /Data', '3 DATA_ENCODING_INVALID /Data'],
    message: /line 2 field \/Data: is not base64: length 7/,
  },
  {
    name: 'an oversize record',
    file: 'a.json',
    content: doc([ok(1), { Data: Buffer.alloc(200).toString('base64'), PartitionKey: 'k' }, ok(3)]),
    options: { maxRecordBytes: 150 },
    delivered: ['ok 1', 'ok 3'],
    tree: ['_archive/a.json', '_quarantine/a.json.rejected.csv', '_quarantine/a.json.rejected.jsonl'],
    events: ['ROW_INVALID'],
    rejected: ['2 RECORD_TOO_LARGE /Data'],
    message: /record is 201 bytes \(Data 200 \+ PartitionKey 1\), more than maxRecordBytes 150/,
  },
  {
    name: 'an entry whose text is too large to parse',
    file: 'a.jsonl',
    content: [line(ok(1)), line({ Data: 'x'.repeat(80_000), PartitionKey: 'k' }), line(ok(3))].join('\n'),
    options: { maxRecordBytes: 1000 },
    delivered: ['ok 1', 'ok 3'],
    tree: ['_archive/a.jsonl', '_quarantine/a.jsonl.rejected.csv', '_quarantine/a.jsonl.rejected.jsonl'],
    events: ['ROW_INVALID'],
    rejected: ['2 RECORD_TOO_LARGE -'],
    message: /entry text is 80030 bytes, more than the 73536 read for one record/,
  },
  {
    name: 'invalid UTF-8 inside one record',
    file: 'a.jsonl',
    content: Buffer.concat([
      Buffer.from(`${line(ok(1))}\n{"Data":"`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(`","PartitionKey":"k"}\n${line(ok(3))}\n`),
    ]),
    delivered: ['ok 1', 'ok 3'],
    tree: ['_archive/a.jsonl', '_quarantine/a.jsonl.rejected.csv', '_quarantine/a.jsonl.rejected.jsonl'],
    events: ['ROW_INVALID'],
    rejected: ['2 RECORD_INVALID -'],
    message: /not valid UTF-8/,
  },
  ...(['a.json', 'a.jsonl'] as const).flatMap((file): BadCase[] => [
    {
      name: `an empty ${file} (0 bytes)`,
      file,
      content: '',
      delivered: [],
      tree: [`_archive/${file}`],
      events: ['FILE_EMPTY'],
      message: /is empty/,
    },
    {
      name: `a ${file} with only a BOM and blank lines`,
      file,
      content: '\ufeff\r\n  \r\n',
      delivered: [],
      tree: [`_archive/${file}`],
      events: ['FILE_EMPTY'],
      message: /is empty/,
    },
  ]),
  {
    name: 'an empty Records array',
    file: 'a.json',
    content: '{"StreamName":"s","Records":[]}'.replace('"StreamName":"s",', ''),
    delivered: [],
    tree: ['_archive/a.json'],
    events: ['FILE_EMPTY'],
    message: /Records is empty/,
  },
  {
    name: 'UTF-16 without a byte-order mark',
    file: 'a.json',
    content: Buffer.from(doc([ok(1)]), 'utf16le'),
    delivered: [],
    tree: ['_quarantine/a.json'],
    events: ['FILE_QUARANTINED'],
    message: /NUL bytes: UTF-16 without a byte-order mark/,
  },
  {
    name: 'UTF-16 with a BOM but broken text',
    file: 'a.jsonl',
    content: Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(line(ok(1)), 'utf16le'),
      Buffer.from([0x00, 0xd8, 0x41, 0x00]),
    ]),
    delivered: [],
    tree: ['_quarantine/a.jsonl'],
    events: ['FILE_QUARANTINED'],
    message: /not valid UTF-16LE text/,
  },
];

describe('bad input: a clear event naming file and position, good records still delivered', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const h = await harness(c.options);
    await put(h.input, c.file, c.content);
    const { records } = await drain(h.source);
    expect(records.map(text)).toEqual(c.delivered);
    expect(await listTree(h.input)).toEqual(c.tree);
    const events = h.events();
    expect(codes(events)).toEqual(c.events);
    expect(events.every((event) => event.file === join(h.input, c.file))).toBe(true);
    if (c.message) expect(events[events.length - 1].message).toMatch(c.message);
    if (c.rejected) {
      const reasons = await readFile(join(h.input, '_quarantine', `${c.file}.rejected.jsonl`), 'utf8');
      const rows = reasons
        .trim()
        .split('\n')
        .map((row) => JSON.parse(row) as { line: number; code: string; field?: string });
      expect(rows.map((row) => `${row.line} ${row.code} ${row.field ?? '-'}`)).toEqual(c.rejected);
    }
  });
});
