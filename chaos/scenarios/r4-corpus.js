import { randomBytes } from 'node:crypto';
import { dataRow, rowId } from '../lib/offload.js';

/**
 * The R4 bad-input corpus: one entry per file, each with the outcome it must have, written down before the run.
 *
 * `expect`:
 * - `delivered`: rows (by number) whose records must arrive, each exactly once; any other row of the entry
 *   arriving is a failure.
 * - `events`: event codes that must be emitted for this file (all of them); `eventsAny`: at least one of them.
 * - `quarantine`: `none` | `rows:N` (N lines in `<quarantine>/<kind>/<name>.rejected.*`) | `whole` (the file
 *   moved to quarantine) | `whole-or-rows` (either, nothing delivered).
 * - `input`: where the file must be after the run: `archived`, `stays` (ignored or kept), `gone` (deleted by the
 *   test).
 */

const CRLF = '\r\n';

/** Data row `r` of entry `tag` as fields, to be damaged. */
function fields(tag, r) {
  return dataRow(rowId(tag, 0, r), 0, r).split('\t');
}

function row(tag, r) {
  return dataRow(rowId(tag, 0, r), 0, r);
}

/** Three good rows 0..2, then the bad lines, then good row 3 (so reading goes on after the damage). */
function around(tag, badLines, { finalNewline = true } = {}) {
  const lines = [row(tag, 0), row(tag, 1), row(tag, 2), ...badLines(tag), row(tag, 3)];
  return Buffer.from(lines.join(CRLF) + (finalNewline ? CRLF : ''), 'utf8');
}

function withField(tag, r, index, value) {
  const f = fields(tag, r);
  f[index] = value;
  return f.join('\t');
}

const GOOD4 = [0, 1, 2, 3];
const rowError = (rows = 1) => ({
  delivered: GOOD4,
  events: ['ROW_INVALID'],
  quarantine: `rows:${rows}`,
  input: 'archived',
});
const clean = (delivered = GOOD4) => ({ delivered, events: [], quarantine: 'none', input: 'archived' });
const ignored = { delivered: [], events: [], quarantine: 'none', input: 'stays' };

function utf16le(text, bom) {
  const body = Buffer.from(text, 'utf16le');
  return bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body;
}

function utf16be(text) {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
}

/** Bytes of a row with `bytes` spliced into the VALUE field. */
function rawValueRow(tag, r, bytes) {
  const f = fields(tag, r);
  return Buffer.concat([
    Buffer.from(`${f.slice(0, 4).join('\t')}\t`, 'utf8'),
    bytes,
    Buffer.from(`\t${f.slice(5).join('\t')}`, 'utf8'),
  ]);
}

function aroundRaw(tag, badRow) {
  const good = (rows) => Buffer.from(rows.map((r) => row(tag, r) + CRLF).join(''), 'utf8');
  return Buffer.concat([good([0, 1, 2]), badRow, Buffer.from(CRLF), good([3])]);
}

function textOf(tag, rows) {
  return rows.map((r) => row(tag, r) + CRLF).join('');
}

function customLine(tag, r, extra = {}) {
  return JSON.stringify({ Data: { INDEX: rowId(tag, 0, r), n: r }, PartitionKey: `pk-${r}`, ...extra });
}

/**
 * Every corpus entry. `dir` is `Data` (dataminer-csv source), `custom` (custom source) or a folder the source must
 * never read. `special` marks entries the runner drives while the pipeline runs.
 */
export function buildCorpus({ deleteRows = 60_000 } = {}) {
  const entries = [];
  let n = 0;
  const add = (what, name, dir, content, expect, special, link) => {
    n += 1;
    const tag = `e${String(n).padStart(2, '0')}`;
    entries.push({
      n,
      tag,
      what,
      name,
      dir,
      content: typeof content === 'function' ? content(tag) : content,
      expect,
      special,
      link,
    });
  };

  add(
    'truncated last line (cut mid-row, no final newline)',
    'truncated-last-line.csv',
    'Data',
    (t) =>
      Buffer.from([row(t, 0), row(t, 1), row(t, 2), row(t, 3), fields(t, 4).slice(0, 6).join('\t')].join(CRLF), 'utf8'),
    rowError(),
  );
  add(
    'row with 10 fields (last column missing)',
    'ten-fields.csv',
    'Data',
    (t) => around(t, (x) => [fields(x, 9).slice(0, 10).join('\t')]),
    rowError(),
  );
  add(
    'row with 12 fields (stray tab in the value)',
    'twelve-fields.csv',
    'Data',
    (t) => around(t, (x) => [withField(x, 9, 4, 'Locked\tPLL A')]),
    rowError(),
  );
  add('row with 1 field', 'one-field.csv', 'Data', (t) => around(t, () => ['garbage']), rowError());
  add(
    'row with 30 fields',
    'thirty-fields.csv',
    'Data',
    (t) => around(t, (x) => [[...fields(x, 9), ...fields(x, 9), ...fields(x, 9).slice(0, 8)].join('\t')]),
    rowError(),
  );
  add(
    'three bad rows of different kinds in one file',
    'three-bad-rows.csv',
    'Data',
    (t) =>
      around(t, (x) => [
        fields(x, 7).slice(0, 5).join('\t'),
        withField(x, 8, 1, 'DMA'),
        withField(x, 9, 5, 'yesterday'),
      ]),
    rowError(3),
  );
  add(
    'stray quote inside a value (quote: none → ordinary character)',
    'stray-quote.csv',
    'Data',
    (t) => around(t, (x) => [withField(x, 4, 4, '7.2"5')]),
    clean([0, 1, 2, 3, 4]),
  );
  add(
    'field starting with an unbalanced quote',
    'open-quote.csv',
    'Data',
    (t) => around(t, (x) => [withField(x, 4, 9, '"Encoder Québec')]),
    clean([0, 1, 2, 3, 4]),
  );
  add(
    'quote opened on one row and closed on the next',
    'quote-across-rows.csv',
    'Data',
    (t) => around(t, (x) => [withField(x, 4, 4, '"abc'), withField(x, 5, 4, 'def"')]),
    clean([0, 1, 2, 3, 4, 5]),
  );
  add(
    'invalid UTF-8 (0xC3 0x28) in a value',
    'invalid-utf8.csv',
    'Data',
    (t) => aroundRaw(t, rawValueRow(t, 9, Buffer.from([0x41, 0xc3, 0x28, 0x42]))),
    rowError(),
  );
  add(
    'invalid UTF-8 (lone continuation byte 0x80)',
    'invalid-utf8-continuation.csv',
    'Data',
    (t) => aroundRaw(t, rawValueRow(t, 9, Buffer.from([0x80, 0x80]))),
    rowError(),
  );
  add(
    'invalid UTF-8 (overlong encoding 0xC0 0xAF)',
    'invalid-utf8-overlong.csv',
    'Data',
    (t) => aroundRaw(t, rawValueRow(t, 9, Buffer.from([0xc0, 0xaf]))),
    rowError(),
  );
  add('UTF-16LE with BOM', 'utf16le-bom.csv', 'Data', (t) => utf16le(textOf(t, GOOD4), true), clean());
  add('UTF-16BE with BOM (unsupported)', 'utf16be-bom.csv', 'Data', (t) => utf16be(textOf(t, GOOD4)), {
    delivered: [],
    events: [],
    eventsAny: ['ROW_INVALID', 'FILE_QUARANTINED'],
    quarantine: 'whole-or-rows',
    input: 'archived-or-quarantined',
  });
  add(
    'UTF-8 with BOM',
    'utf8-bom.csv',
    'Data',
    (t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(textOf(t, GOOD4))]),
    clean(),
  );
  add(
    '2 MiB field (record over the 1 MiB Kinesis limit)',
    'field-2mib.csv',
    'Data',
    (t) => around(t, (x) => [withField(x, 9, 4, 'x'.repeat(2 * 1024 * 1024))]),
    {
      delivered: GOOD4,
      events: [],
      eventsAny: ['RECORD_REJECTED', 'ROW_INVALID'],
      quarantine: 'rows:1',
      input: 'archived',
    },
  );
  add(
    '2 MiB line without any delimiter',
    'line-2mib.csv',
    'Data',
    (t) => around(t, () => ['y'.repeat(2 * 1024 * 1024)]),
    rowError(),
  );
  add('binary garbage (64 KiB random bytes)', 'binary-garbage.csv', 'Data', () => randomBytes(64 * 1024), {
    delivered: [],
    events: [],
    eventsAny: ['ROW_INVALID', 'FILE_QUARANTINED'],
    quarantine: 'whole-or-rows',
    input: 'archived-or-quarantined',
  });
  add('NUL bytes inside a row', 'nul-in-row.csv', 'Data', (t) => aroundRaw(t, Buffer.alloc(64)), rowError());
  add(
    'file tail padded with NUL bytes (pre-allocated, writer crashed)',
    'nul-padded-tail.csv',
    'Data',
    (t) => Buffer.concat([Buffer.from(textOf(t, GOOD4)), Buffer.alloc(4096)]),
    rowError(),
  );
  add('empty file (0 bytes)', 'empty.csv', 'Data', Buffer.alloc(0), clean([]));
  add('only line breaks', 'only-newlines.csv', 'Data', Buffer.from('\r\n\r\n\n\n'), clean([]));
  add('only a UTF-8 BOM', 'only-bom.csv', 'Data', Buffer.from([0xef, 0xbb, 0xbf]), clean([]));
  add(
    'text in an integer column (iDmaID "abc")',
    'text-in-int.csv',
    'Data',
    (t) => around(t, (x) => [withField(x, 9, 1, 'abc')]),
    rowError(),
  );
  add(
    'decimal in an integer column (iEid 12.5)',
    'decimal-in-int.csv',
    'Data',
    (t) => around(t, (x) => [withField(x, 9, 2, '12.5')]),
    rowError(),
  );
  add(
    'date in another format (14/03/2026 09:38)',
    'bad-date-format.csv',
    'Data',
    (t) => around(t, (x) => [withField(x, 9, 5, '14/03/2026 09:38')]),
    rowError(),
  );
  add(
    'impossible date (2026-02-30)',
    'impossible-date.csv',
    'Data',
    (t) => around(t, (x) => [withField(x, 9, 5, '2026-02-30 10:00:00')]),
    rowError(),
  );
  add(
    'empty required integer (iStatus)',
    'empty-required.csv',
    'Data',
    (t) => around(t, (x) => [withField(x, 9, 6, '')]),
    rowError(),
  );
  add(
    '\\N in a required integer (iDmaID)',
    'null-required.csv',
    'Data',
    (t) => around(t, (x) => [withField(x, 9, 1, '\\N')]),
    rowError(),
  );
  add(
    'header line although hasHeader is false',
    'unexpected-header.csv',
    'Data',
    (t) =>
      Buffer.from(
        [
          'iId\tiDmaID\tiEid\tiPid\tchValue\tdtFirst\tiStatus\tchOwner\tchIndex\telementName\tparameterName',
          textOf(t, GOOD4),
        ].join(CRLF),
      ),
    rowError(),
  );
  add(
    'CR-only line ends (old Mac): the rows run together',
    'cr-only.csv',
    'Data',
    (t) => Buffer.from(`${[0, 1, 2, 3].map((r) => row(t, r)).join('\r')}\r`),
    { delivered: [], events: ['ROW_INVALID'], quarantine: 'rows:1', input: 'archived' },
  );
  add(
    'mixed CRLF and LF line ends, blank lines between rows',
    'mixed-newlines.csv',
    'Data',
    (t) => Buffer.from(`${row(t, 0)}\n${row(t, 1)}\r\n\r\n${row(t, 2)}\n\n${row(t, 3)}\r\n`),
    clean(),
  );
  add(
    'very long file name (200 characters)',
    `${'L'.repeat(196)}.csv`,
    'Data',
    (t) => Buffer.from(textOf(t, GOOD4)),
    clean(),
  );
  add(
    'file name with spaces and non-ASCII',
    'Offload é 東京 #1.csv',
    'Data',
    (t) => Buffer.from(textOf(t, GOOD4)),
    clean(),
  );
  add(
    'file name with ..\\..\\ (Windows path traversal) and a bad row',
    '..\\..\\escape.csv',
    'Data',
    (t) => around(t, (x) => [fields(x, 9).slice(0, 3).join('\t')]),
    rowError(),
  );
  add(
    'file name with \\..\\..\\ inside (not leading) and a bad row',
    'evil\\..\\..\\..\\escape.csv',
    'Data',
    (t) => around(t, (x) => [fields(x, 9).slice(0, 3).join('\t')]),
    rowError(),
  );
  add('file name "....csv"', '....csv', 'Data', (t) => Buffer.from(textOf(t, GOOD4)), clean());
  add(
    'name ending in .tmp (still being written)',
    'writing.csv.tmp',
    'Data',
    (t) => Buffer.from(textOf(t, GOOD4)),
    ignored,
  );
  add('name ending in .part', 'writing.csv.part', 'Data', (t) => Buffer.from(textOf(t, GOOD4)), ignored);
  add('name ending in ~', 'backup.csv~', 'Data', (t) => Buffer.from(textOf(t, GOOD4)), ignored);
  add('wrong extension (.txt)', 'notes.txt', 'Data', (t) => Buffer.from(textOf(t, GOOD4)), ignored);
  add(
    "CSV in DataMiner's failure folder (never read)",
    'failed-load.csv',
    'Data/failure',
    (t) => Buffer.from(textOf(t, GOOD4)),
    ignored,
  );
  add(
    'CSV in an unknown folder Data_Snapshot (never read)',
    'snapshot.csv',
    'Data_Snapshot',
    (t) => Buffer.from(textOf(t, GOOD4)),
    ignored,
  );
  add(
    'file still being appended to (a row every 150 ms for 3 s)',
    'growing.csv',
    'Data',
    (t) => Buffer.from(textOf(t, [0, 1])),
    {
      delivered: Array.from({ length: 22 }, (_, r) => r),
      events: [],
      quarantine: 'none',
      input: 'archived',
    },
    'append',
  );
  add(
    `file deleted while it is read (${deleteRows.toLocaleString('en')} rows)`,
    'deleted-mid-read.csv',
    'Data',
    (t) =>
      Buffer.from(
        textOf(
          t,
          Array.from({ length: deleteRows }, (_, r) => r),
        ),
      ),
    {
      deliveredAtMost: deleteRows,
      delivered: [],
      events: [],
      eventsAny: ['FILE_VANISHED', 'FILE_IO'],
      quarantine: 'none',
      input: 'gone',
    },
    'delete',
  );
  add(
    'custom file naming a stream outside the allow-list',
    'other-stream.jsonl',
    'custom',
    (t) => Buffer.from([0, 1, 2].map((r) => customLine(t, r, { StreamName: 'not-allowed' })).join('\n')),
    {
      delivered: [],
      events: ['STREAM_NOT_ALLOWED'],
      quarantine: 'whole',
      input: 'quarantined',
    },
  );
  add(
    'custom file naming stream "../chaos-custom"',
    'dotdot-stream.jsonl',
    'custom',
    (t) => Buffer.from([0, 1].map((r) => customLine(t, r, { StreamName: '../chaos-custom' })).join('\n')),
    {
      delivered: [],
      events: ['STREAM_NOT_ALLOWED'],
      quarantine: 'whole',
      input: 'quarantined',
    },
  );
  add(
    'custom file with an allowed stream (control)',
    'allowed-stream.jsonl',
    'custom',
    (t) => Buffer.from([0, 1, 2].map((r) => customLine(t, r, { StreamName: 'chaos-custom' })).join('\n')),
    {
      delivered: [0, 1, 2],
      events: [],
      quarantine: 'none',
      input: 'archived',
    },
  );
  add(
    'custom file with an invalid JSON line',
    'bad-json-line.jsonl',
    'custom',
    (t) => Buffer.from([customLine(t, 0), '{"Data": "abc", "PartitionKey": ', customLine(t, 2)].join('\n')),
    {
      delivered: [0, 2],
      events: [],
      eventsAny: ['JSON_SYNTAX', 'ROW_INVALID'],
      quarantine: 'rows:1',
      input: 'archived',
    },
  );
  add(
    'custom file named ..\\..\\custom.jsonl',
    '..\\..\\custom.jsonl',
    'custom',
    (t) => Buffer.from([0, 1].map((r) => customLine(t, r)).join('\n')),
    { delivered: [0, 1], events: [], quarantine: 'none', input: 'archived' },
  );
  add(
    'custom file named evil\\..\\..\\custom.jsonl',
    'evil\\..\\..\\custom.jsonl',
    'custom',
    (t) => Buffer.from([0, 1].map((r) => customLine(t, r)).join('\n')),
    { delivered: [0, 1], events: [], quarantine: 'none', input: 'archived' },
  );
  addHostileNames(add);
  return entries;
}

/**
 * Entries of issue 13: names as long as the file system allows, symbolic links, permissions, entries nested
 * or shaped to trip the reader. `link`: `{ outside: true }` writes the content outside the watched folder and puts
 * a link to it under `name`; `{ alias }` also adds a second name (a link) for the file.
 */
function addHostileNames(add) {
  add(
    `CSV file named with 246 ASCII characters`,
    `${'a'.repeat(242)}.csv`,
    'Data',
    (t) => around(t, () => []),
    clean(),
  );
  add(`CSV file named with 30 CJK characters`, `${'数'.repeat(26)}.csv`, 'Data', (t) => around(t, () => []), clean());
  add(
    'custom file named with 100 × é',
    `${'é'.repeat(100)}.jsonl`,
    'custom',
    (t) => Buffer.from([0, 1].map((r) => customLine(t, r)).join('\n')),
    { delivered: [0, 1], events: [], quarantine: 'none', input: 'archived' },
  );
  add(
    'symbolic link to a CSV file outside the folder',
    'link-outside.csv',
    'Data',
    (t) => around(t, () => []),
    { delivered: [], events: ['FILE_OUTSIDE_ROOT'], quarantine: 'whole', input: 'quarantined' },
    undefined,
    { outside: true },
  );
  add(
    'file with a second name (a symbolic link beside it): rows sent once',
    'link-target.csv',
    'Data',
    (t) => around(t, () => []),
    clean(),
    undefined,
    { alias: 'link-alias.csv' },
  );
  const root = process.getuid?.() === 0;
  add(
    `file without read permission (${root ? 'run as root: readable anyway' : 'skipped, retried'})`,
    'no-permission.csv',
    'Data',
    (t) => around(t, () => []),
    root ? clean() : { delivered: [], events: ['FILE_UNREADABLE'], quarantine: 'none', input: 'stays' },
    'unreadable',
  );
  add(
    'custom file with an entry nested 20,000 levels deep',
    'deep.json',
    'custom',
    (t) =>
      Buffer.from(
        `{"Records":[${customLine(t, 0)},{"Data":${'['.repeat(20_000)}1${']'.repeat(20_000)},"PartitionKey":"deep"},${customLine(t, 2)}]}`,
      ),
    { delivered: [0, 2], events: ['ROW_INVALID'], quarantine: 'rows:1', input: 'archived' },
  );
  add(
    'custom file with a top-level "__proto__" naming a stream',
    'proto.json',
    'custom',
    (t) => Buffer.from(`{"__proto__":{"StreamName":"chaos-custom"},"Records":[${customLine(t, 0)}]}`),
    { delivered: [], events: ['FILE_QUARANTINED'], quarantine: 'whole', input: 'quarantined' },
  );
  add(
    'record whose partition key is 129 emoji (258 UTF-16 units)',
    'emoji-key.jsonl',
    'custom',
    (t) =>
      Buffer.from(
        [customLine(t, 0), customLine(t, 1, { PartitionKey: '😀'.repeat(129) }), customLine(t, 2)].join('\n'),
      ),
    {
      delivered: [0, 2],
      events: [],
      eventsAny: ['ROW_INVALID', 'RECORD_REJECTED'],
      quarantine: 'rows:1',
      input: 'archived',
    },
  );
}
