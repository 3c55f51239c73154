import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { TimestampParser } from '../src/timestamps.js';
import { dataRow, decodeContent } from './helpers.js';

const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

describe('encodings and line ends', () => {
  it.each([
    ['UTF-8, LF', (rows: string) => Buffer.from(rows), {}],
    ['UTF-8, CRLF', (rows: string) => Buffer.from(rows.replaceAll('\n', '\r\n')), {}],
    ['UTF-8 BOM, CRLF', (rows: string) => Buffer.from(`\uFEFF${rows.replaceAll('\n', '\r\n')}`), {}],
    ['UTF-16LE BOM, CRLF', (rows: string) => utf16(rows.replaceAll('\n', '\r\n')), {}],
    ['UTF-16LE BOM, LF, encoding set to latin1 (BOM wins)', (rows: string) => utf16(rows), { encoding: 'latin1' }],
    ['latin1', (rows: string) => Buffer.from(rows, 'latin1'), { encoding: 'latin1' }],
  ])('%s', async (_name, encode, options) => {
    const rows = `${dataRow('1', undefined, undefined, 'Québec 東')}\n${dataRow('2', undefined, undefined, 'Zürich')}\n`;
    const content = _name === 'latin1' ? encode(rows.replace(' 東', '')) : encode(rows);
    const { values, errors } = await decodeContent(content, 'data', options);
    expect(errors).toEqual([]);
    expect(values.map((value) => [value.VALUE, value.ELEMENT_NAME, value.PARAMETER_NAME])).toEqual([
      ['1', _name === 'latin1' ? 'Québec' : 'Québec 東', 'Param'],
      ['2', 'Zürich', 'Param'],
    ]);
  });

  it('windows-1252 maps 0x80 to the euro sign', async () => {
    const row = Buffer.concat([
      Buffer.from(dataRow('5 ', undefined, undefined, 'X').replace('5 ', '5 '), 'latin1'),
      Buffer.from('\n'),
    ]);
    const withEuro = Buffer.from(row.toString('latin1').replace('5 ', '5 \x80'), 'latin1');
    const { values } = await decodeContent(withEuro, 'data', { encoding: 'win1252' });
    expect(values[0].VALUE).toBe('5 €');
  });

  it('rejects a binary file whole', async () => {
    await expect(decodeContent(Buffer.from([1, 0, 2, 10]), 'data')).rejects.toMatchObject({ code: 'FILE_UNPARSABLE' });
  });

  it.each([
    ['invalid UTF-8 (0xC3 0x28)', Buffer.from([0x41, 0xc3, 0x28, 0x42]), 'invalid UTF-8 byte sequence'],
    ['a lone continuation byte', Buffer.from([0x80]), 'invalid UTF-8 byte sequence'],
    ['NUL bytes', Buffer.alloc(8), 'NUL byte at character'],
  ])('rejects a row holding %s, delivering the rows around it', async (_name, bytes, reason) => {
    const bad = Buffer.from(dataRow('X')).toString('latin1').replace('X', '\u0001');
    const content = Buffer.concat([
      Buffer.from(`${dataRow('1')}\n`),
      Buffer.from(bad.split('\u0001')[0], 'latin1'),
      bytes,
      Buffer.from(`${bad.split('\u0001')[1]}\n${dataRow('3')}\n`, 'latin1'),
    ]);
    const { values, errors } = await decodeContent(content, 'data');
    expect(values.map((value) => value.VALUE)).toEqual(['1', '3']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 2 });
    expect(errors[0].error.message).toContain(reason);
  });

  it('rejects a tail of NUL bytes (pre-allocated file, writer died) as one row, keeping the rows before', async () => {
    const content = Buffer.concat([Buffer.from(`${dataRow('1')}\n${dataRow('2')}\n`), Buffer.alloc(4096)]);
    const { values, errors } = await decodeContent(content, 'data');
    expect(values.map((value) => value.VALUE)).toEqual(['1', '2']);
    expect(errors.map((error) => error.line)).toEqual([3]);
  });

  it('reports byte offsets after each row, so resume can seek (CRLF, BOM)', async () => {
    const rows = `\uFEFF${dataRow('1')}\r\n\r\n${dataRow('2')}\r\n${dataRow('3')}\r\n`;
    const first = await decodeContent(rows, 'data');
    expect(first.records.map((record) => record.line)).toEqual([1, 3, 4]);
    const resumed = await decodeContent(rows, 'data', {}, { line: 3, offset: first.records[1].offset });
    expect(resumed.values.map((value) => value.VALUE)).toEqual(['3']);
    expect(resumed.records[0].line).toBe(4);
  });

  it('resumes a quoted UTF-16 file (no seek) by skipping acknowledged lines', async () => {
    const rows = ['1', '"multi\nline"', '3'].map((value) => dataRow(value).replaceAll('\t', ',')).join('\r\n');
    const content = utf16(`${rows}\r\n`);
    const options = { dialect: { delimiter: ',', quote: '"' } };
    const all = await decodeContent(content, 'data', options);
    expect(all.records.map((record) => [record.line, record.endLine])).toEqual([
      [1, 1],
      [2, 3],
      [4, 4],
    ]);
    const resumed = await decodeContent(content, 'data', options, { line: 3 });
    expect(resumed.values.map((value) => value.VALUE)).toEqual(['3']);
  });
});

describe('timestamps', () => {
  it.each([
    ['UTC', '2026-03-14 09:05:02', '2026-03-14T09:05:02', 1773479102],
    ['UTC', '2026-03-14T09:05:02', '2026-03-14T09:05:02', 1773479102],
    ['UTC', '2026-03-14 09:07:02.4179999', '2026-03-14T09:07:02', 1773479222],
    ['UTC', '2024-02-29 00:00:00', '2024-02-29T00:00:00', 1709164800],
    ['Europe/Brussels', '2026-03-14 10:05:02', '2026-03-14T10:05:02', 1773479102],
    ['Europe/Brussels', '2026-07-01 12:00:00', '2026-07-01T12:00:00', 1782900000],
    ['America/New_York', '2026-01-15 07:00:00', '2026-01-15T07:00:00', 1768478400],
  ])('%s %s → %s / %i', (zone, text, iso, unix) => {
    expect(new TimestampParser(zone).parse(text)).toEqual({ iso, unix });
  });

  it('local uses the process time zone', () => {
    const expected = new Date(2026, 2, 14, 9, 5, 2).getTime() / 1000;
    expect(new TimestampParser('local').parse('2026-03-14 09:05:02')?.unix).toBe(expected);
  });

  it.each([
    '14/03/2026 09:38',
    '2026-03-14',
    '2026-13-01 00:00:00',
    '2026-02-29 00:00:00',
    '2026-03-14 24:00:00',
    '2026-03-14 09:05:02.',
    '2026-03-14 09:05:02Z',
    '2026-03-14 09:05:02.12345678',
    '',
  ])('rejects %j', (text) => {
    expect(new TimestampParser('UTC').parse(text)).toBeUndefined();
  });

  it('refuses an unknown zone at start-up', async () => {
    await expect(decodeContent('', 'data', { sourceTimeZone: 'Mars/Olympus' })).rejects.toThrow(/sourceTimeZone/);
  });
});

describe('dialect and mapping options', () => {
  it.each([
    ['backslashEscapes', { dialect: { backslashEscapes: true } }, 'a\\tb\\\\c\\nd', 'a\tb\\c\nd'],
    ['no escapes by default', {}, 'a\\tb', 'a\\tb'],
    ['\\N is null → ""', {}, '\\N', ''],
    ['custom null token', { dialect: { nullTokens: ['', '\\N', 'NULL'] } }, 'NULL', ''],
    ['quotes are ordinary characters by default', {}, 'Locked, "PLL A" ok', 'Locked, "PLL A" ok'],
  ])('%s', async (_name, options, value, expected) => {
    const { values } = await decodeContent(`${dataRow(value)}\n`, 'data', options);
    expect(values[0].VALUE).toBe(expected);
  });

  it('hasHeader skips the first line', async () => {
    const { values } = await decodeContent(`header\tline\n${dataRow('1')}\n`, 'data', { dialect: { hasHeader: true } });
    expect(values.map((value) => value.VALUE)).toEqual(['1']);
  });

  it('a columns override maps by name', async () => {
    const columns = [
      'iDmaID',
      'iEid',
      'iPid',
      'dtFirst',
      'chValue',
      'iStatus',
      'chIndex',
      'elementName',
      'parameterName',
    ];
    const { values } = await decodeContent('346\t12\t1020\t2026-03-14 09:05:02\tv\t0\tidx\tEl\tP\n', 'data', {
      data: { columns },
    });
    expect(values[0]).toMatchObject({ DMAID: 346, VALUE: 'v', INDEX: 'idx', TIMESTAMP_UNIX: 1773479102 });
  });

  it('refuses a columns override without a required column', async () => {
    await expect(decodeContent('', 'data', { data: { columns: ['iDmaID'] } })).rejects.toThrow(
      /data.columns must include "iEid"/,
    );
  });

  it('documentType, route, extraFields and elementProperties', async () => {
    const { path } = await decodeContent('', 'data');
    const props = path.replace(/f\.csv$/, 'props.yaml');
    await writeFile(props, 'El:\n  site: Ghent\n  rack: 4\n');
    const options = {
      data: { documentType: 'TREND', route: 'trend', extraFields: { KIND: 'rt' } },
      extraFields: { DMA: 'x' },
      elementProperties: props,
    };
    const { values, records } = await decodeContent(
      `${dataRow('1')}\n${dataRow('2', undefined, undefined, 'Other')}\n`,
      'data',
      options,
    );
    expect(values[0]).toMatchObject({
      DOCUMENT_TYPE: 'TREND',
      ELEMENT_PROPERTIES: { site: 'Ghent', rack: 4 },
      DMA: 'x',
      KIND: 'rt',
    });
    expect(Object.keys(values[0]).slice(-3)).toEqual(['ELEMENT_PROPERTIES', 'DMA', 'KIND']);
    expect(values[1]).not.toHaveProperty('ELEMENT_PROPERTIES');
    expect(records[0].route).toBeUndefined();
  });

  it('refuses extraFields that would overwrite a mapped field', async () => {
    await expect(decodeContent('', 'data', { extraFields: { VALUE: 1 } })).rejects.toThrow(/overwrite/);
  });

  it('a record that breaks the schema is a RECORD_INVALID row error', async () => {
    const { errors } = await decodeContent(`${dataRow('1')}\n`, 'data', {
      extraFields: { ELEMENT_PROPERTIES: 'not an object' },
    });
    const [item] = errors;
    if (item?.kind !== 'error') throw new Error('expected a row error');
    expect(item.error).toMatchObject({ code: 'RECORD_INVALID', field: 'ELEMENT_PROPERTIES', line: 1 });
  });
});

describe('alarm options', () => {
  const alarm = (changes: Record<number, string> = {}) => {
    const fields = [
      '1',
      '346',
      '57',
      '2105',
      '0',
      'v',
      '2',
      '6',
      '2026-03-14 09:03:11',
      '10',
      '',
      '12',
      'c',
      '0',
      '16',
      '18',
      '1',
      'i',
      '-1',
      '',
      'El',
      'P',
      'dv',
      '2026-03-14 09:00:00',
    ];
    for (const [index, value] of Object.entries(changes)) fields[Number(index)] = value;
    return `${fields.join('\t')}\n`;
  };

  it.each([
    ['infoEvents keep', {}, 'ALARM', undefined, 1],
    ['infoEvents route', { alarm: { infoEvents: 'route', infoDocumentType: 'INFO' } }, 'INFO', 'info', 1],
    ['infoEvents drop', { alarm: { infoEvents: 'drop' } }, undefined, undefined, 0],
  ])('%s', async (_name, options, documentType, route, count) => {
    const { values, records, errors } = await decodeContent(
      alarm({ 6: '13', 7: '5', 9: '10', 11: '11' }),
      'alarm',
      options,
    );
    expect(errors).toEqual([]);
    expect(values).toHaveLength(count);
    if (count) {
      expect(values[0].DOCUMENT_TYPE).toBe(documentType);
      expect(records[0].route).toBe(route);
    }
  });

  it('mergeOverflowInto repairs a stray tab in the user comment', async () => {
    const row = alarm({ 12: 'checked\tre-seated' });
    expect((await decodeContent(row, 'alarm')).errors).toHaveLength(1);
    const { values } = await decodeContent(row, 'alarm', { alarm: { mergeOverflowInto: 'UserComment' } });
    expect(values[0]).toMatchObject({
      USERCOMMENT: 'checked\tre-seated',
      UPLOADED: '0',
      CREATIONTIME: '2026-03-14T09:00:00',
    });
  });

  it.each([
    ['defaults', {}, -1, '2026-03-14T09:03:11', 1773478991],
    ['null options', { alarm: { rcaLevelNull: null, creationTimeFallback: 'null' } }, null, '', null],
  ])('null rcaLevel and creationTime with %s', async (_name, options, rca, created, createdUnix) => {
    const { values, errors } = await decodeContent(alarm({ 18: '\\N', 23: '' }), 'alarm', options);
    expect(errors).toEqual([]);
    expect(values[0]).toMatchObject({ RCALEVEL: rca, CREATIONTIME: created, CREATIONTIME_UNIX: createdUnix });
  });

  it('a non-integer id is a row error naming the column', async () => {
    const { errors } = await decodeContent(alarm({ 1: 'x346' }), 'alarm');
    const [item] = errors;
    if (item?.kind !== 'error') throw new Error('expected a row error');
    expect(item.error).toMatchObject({ field: 'DmaId', line: 1 });
    expect(item.error.message).toContain('"x346" is not an integer');
  });
});
