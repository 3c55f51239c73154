import { describe, expect, it } from 'vitest';
import { DEFAULT_ENUM, DEFAULT_ISTATUS } from '../src/lookups.js';
import { BAD_SAMPLES, dataRow, decodeContent, decodeFile, expectedOf, SAMPLES } from './helpers.js';

const COMMA_QUOTED = { dialect: { delimiter: ',', quote: '"' } };

describe.each([
  ['Data/2026_03_14_09_10_00_4821_346.csv', 'data', {}],
  ['Data/639090774000000000.csv', 'data', {}],
  ['Dataavg/2026_03_14_09_12_30_4822_346.csv', 'dataavg', {}],
  ['2026_03_14_09_10_05_4823_346.csv', 'alarm', {}],
  ['_dialect-comma-quoted/Data/2026_03_14_09_10_00_4821_346.csv', 'data', COMMA_QUOTED],
  ['_dialect-comma-quoted/Dataavg/2026_03_14_09_12_30_4822_346.csv', 'dataavg', COMMA_QUOTED],
  ['_dialect-comma-quoted/2026_03_14_09_10_05_4823_346.csv', 'alarm', COMMA_QUOTED],
] as const)('sample %s (%s)', (file, kind, options) => {
  const path = `${SAMPLES}/${file}`;
  const expected = expectedOf(path);

  it('gives one record per row, no row errors, in file order', async () => {
    const { values, errors } = await decodeFile(path, kind, options);
    expect(errors).toEqual([]);
    expect(values).toHaveLength(expected.length);
  });

  it.each(expected.map((record, index) => [index + 1, record] as const))(
    'record %i matches _expected field by field, in order',
    async (n, record) => {
      const { values } = await decodeFile(path, kind, options);
      const actual = values[n - 1];
      expect(Object.keys(actual)).toEqual(Object.keys(record));
      for (const field of Object.keys(record))
        expect({ field, value: actual[field] }).toEqual({ field, value: record[field] });
      expect(JSON.stringify(actual)).toBe(JSON.stringify(record));
    },
  );
});

describe('bad sample (dataminer-bad/Data)', () => {
  const path = `${BAD_SAMPLES}/Data/2026_03_14_09_40_00_5120_346.csv`;

  it('emits the 2 valid rows and 4 row errors, skipping the empty line silently', async () => {
    const { records, errors } = await decodeFile(path, 'data');
    expect(records.map((record) => record.line)).toEqual([1, 6]);
    expect(errors.map((error) => error.line)).toEqual([2, 3, 4, 7]);
  });

  it.each([
    [2, 'parameterName', /has 10 fields, expected 11/],
    [3, '(field 12)', /has 12 fields, expected 11/],
    [4, 'dtFirst', /"14\/03\/2026 09:38" is not a date-time/],
    [7, undefined, /truncated row/],
  ])('line %i is a row error naming field %s', async (line, field, reason) => {
    const { errors } = await decodeFile(path, 'data');
    const item = errors.find((error) => error.line === line);
    if (item?.kind !== 'error') throw new Error(`no error for line ${line}`);
    expect(item.error.field).toBe(field);
    expect(item.error.message).toMatch(reason);
    expect(item.error.file).toBe(path);
    expect(item.error.code).toBe('ROW_INVALID');
    expect(item.raw.length).toBeGreaterThan(0);
  });
});

/** One alarm row with every enum field set to `id` (Severity 13 kept as an alarm by default). */
function alarmRow(overrides: Record<number, string> = {}): string {
  const fields = [
    '1',
    '346',
    '57',
    '2105',
    '0',
    '-78.2',
    '2',
    '6',
    '2026-03-14 09:03:11',
    '10',
    '',
    '12',
    '',
    '0',
    '16',
    '18',
    '1',
    'ASI 1',
    '-1',
    '',
    'El',
    'Param',
    '-78.2 dBm',
    '2026-03-14 09:03:11',
  ];
  for (const [index, value] of Object.entries(overrides)) fields[Number(index)] = value;
  return fields.join('\t');
}

function alarmOf(row: string, options: Record<string, unknown> = {}) {
  return decodeContent(`${row}\n`, 'alarm', options);
}

describe('id tables', () => {
  const enumEntries = Object.entries(DEFAULT_ENUM).map(([id, text]) => [Number(id), text] as const);

  it.each(enumEntries)('enum id %i → %s in every alarm enum field', async (id, text) => {
    const row = alarmRow({
      6: String(id),
      7: String(id),
      9: String(id),
      11: String(id),
      14: String(id),
      15: String(id),
    });
    const { values, notices } = await alarmOf(row);
    expect(values[0]).toMatchObject({
      SEVERITY_ID: id,
      SEVERITY: text,
      SEVERITY_LEVEL_ID: id,
      SEVERITY_LEVEL: text,
      TYPE_ID: id,
      TYPE: text,
      STATUS_ID: id,
      STATUS: text,
      SOURCE_ID: id,
      SOURCE: text,
      USERSTATUS_ID: id,
      USERSTATUS: text,
    });
    expect(notices).toEqual([]);
  });

  it.each(Object.entries(DEFAULT_ISTATUS).map(([id, text]) => [Number(id), text] as const))(
    'iStatus %i → %s',
    async (id, text) => {
      const { values } = await decodeContent(`${dataRow('7.25', '2026-03-14 09:05:02', String(id))}\n`, 'data');
      expect(values[0]).toMatchObject({ ISTATUS: id, ISTATUS_DESC: text });
    },
  );

  it('keeps an unknown id, writes the template text, and reports it once per file', async () => {
    const { values, notices } = await alarmOf(`${alarmRow({ 14: '99' })}\n${alarmRow({ 14: '99' })}`);
    expect(values.map((value) => [value.SOURCE_ID, value.SOURCE])).toEqual([
      [99, 'Unknown (99)'],
      [99, 'Unknown (99)'],
    ]);
    expect(notices.map((notice) => [notice.code, notice.field, notice.line])).toEqual([
      ['UNKNOWN_ENUM_ID', 'SOURCE', 1],
      ['UNKNOWN_ENUM_ID', 'SOURCE', 2],
    ]);
  });

  it.each([
    [{ overrides: { TYPE: { '10': 'New alarm' } } }, 'TYPE', 'New alarm', 'SEVERITY', 'Major'],
    [{ enum: { '2': 'Majeur' } }, 'SEVERITY', 'Majeur', 'TYPE', 'New Alarm'],
    [{ unknownText: '?{id}?' }, 'SOURCE', '?77?', 'TYPE', 'New Alarm'],
  ])('lookups %j: %s becomes %s, %s stays %s', async (lookups, field, text, other, otherText) => {
    const { values } = await alarmOf(alarmRow({ 14: field === 'SOURCE' ? '77' : '16' }), { lookups });
    expect(values[0][field]).toBe(text);
    expect(values[0][other]).toBe(otherText);
  });

  it('unknown iStatus gets "Unknown status (n)"', async () => {
    const { values, notices } = await decodeContent(`${dataRow('7.25', '2026-03-14 09:05:02', '-99')}\n`, 'data');
    expect(values[0].ISTATUS_DESC).toBe('Unknown status (-99)');
    expect(notices[0]).toMatchObject({ code: 'UNKNOWN_ENUM_ID', field: 'ISTATUS_DESC' });
  });
});
