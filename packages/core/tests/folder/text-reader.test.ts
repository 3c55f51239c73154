import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutOf, type TextEncoding } from '../../src/folder/text/encodings.js';
import { type LineChunk, type LineReadOptions, readLineBytes, readLines } from '../../src/folder/text/LineReader.js';
import { READ_CHUNK_BYTES, readUtf8Chunks } from '../../src/folder/text/readUtf8Chunks.js';
import { FileDecodeError } from '../../src/folder/types.js';
import { sniffText } from '../../src/index.js';

let dir: string;
let count = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'text-reader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(content: Buffer | string): Promise<string> {
  const path = join(dir, `f${++count}`);
  await writeFile(path, content);
  return path;
}

/** Every line the reader yields, flattened: [line, text, end offset] plus its marks. */
async function collect<Text>(chunks: AsyncIterable<LineChunk<Text>>) {
  const out: { line: number; text: Text; offset: number; bad?: string; long?: number; truncated: boolean }[] = [];
  for await (const chunk of chunks) {
    chunk.texts.forEach((text, index) => {
      const row: (typeof out)[number] = {
        line: chunk.lines[index],
        text,
        offset: chunk.offsets[index],
        truncated: false,
      };
      const bad = chunk.bad?.get(index);
      if (bad !== undefined) row.bad = bad;
      const long = chunk.long?.get(index);
      if (long !== undefined) row.long = long;
      row.truncated = chunk.truncated && index === chunk.texts.length - 1;
      out.push(row);
    });
  }
  return out;
}

async function textLines(path: string, options: Partial<LineReadOptions> = {}) {
  const layout = await sniffText(path, options.encoding ?? 'utf8');
  const rows = await collect(
    readLines(path, { start: layout.bomLength, line: 0, ...options, encoding: layout.encoding }),
  );
  return rows.map((row) => [row.line, row.text, row.offset] as const);
}

describe('encoding and BOM', () => {
  it.each<[string, number[], TextEncoding, number]>([
    ['UTF-8 BOM', [0xef, 0xbb, 0xbf, 0x61], 'utf8', 3],
    ['UTF-16LE BOM', [0xff, 0xfe, 0x61, 0], 'utf16le', 2],
    ['UTF-16BE BOM', [0xfe, 0xff, 0, 0x61], 'utf16be', 2],
    ['no BOM: the configured encoding', [0x61, 0x62], 'win1252', 0],
  ])('%s', (_name, head, encoding, bomLength) => {
    expect(layoutOf(Buffer.from(head), 'win1252')).toEqual({ encoding, bomLength, looksBinary: false });
  });

  it('NUL bytes without a BOM look binary (UTF-16 without a BOM)', () => {
    expect(layoutOf(Buffer.from('ab', 'utf16le')).looksBinary).toBe(true);
  });
});

describe('readLines', () => {
  it('gives LF and CRLF lines with exact end offsets after a UTF-8 BOM; empty lines are counted, not given', async () => {
    const path = await file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a\r\nbé\n\r\n\nccc\r\n')]));
    expect(await textLines(path)).toEqual([
      [1, 'a', 6],
      [2, 'bé', 10],
      [5, 'ccc', 18],
    ]);
  });

  it('resumes at a checkpointed offset with the line numbers going on', async () => {
    const path = await file('a\r\nbb\r\nccc\r\ndddd');
    const all = await collect(readLines(path, { start: 0, line: 0, encoding: 'utf8' }));
    const second = all[1];
    const resumed = await collect(readLines(path, { start: second.offset, line: second.line, encoding: 'utf8' }));
    expect(resumed).toEqual(all.slice(2));
    expect(resumed.map((row) => [row.line, row.text, row.offset, row.truncated])).toEqual([
      [3, 'ccc', 12, false],
      [4, 'dddd', 16, true],
    ]);
  });

  it.each<[string, (text: string) => Buffer, TextEncoding]>([
    ['UTF-16LE', (text) => Buffer.from(text, 'utf16le'), 'utf16le'],
    ['UTF-16BE', (text) => Buffer.from(text, 'utf16le').swap16(), 'utf16be'],
  ])('%s with a BOM: CRLF lines, offsets in file bytes, a resume from one', async (_name, encode, encoding) => {
    // U+0A0A holds the byte 0x0A twice: only an aligned code unit 0x000A ends a line.
    const path = await file(encode('\ufeffa;\u0a0a\r\nbc\nd\r\n'));
    expect(await textLines(path)).toEqual([
      [1, 'a;\u0a0a', 12],
      [2, 'bc', 18],
      [3, 'd', 24],
    ]);
    const resumed = await collect(readLines(path, { start: 12, line: 1, encoding }));
    expect(resumed.map((row) => [row.line, row.text, row.offset])).toEqual([
      [2, 'bc', 18],
      [3, 'd', 24],
    ]);
  });

  it('joins a line split across two read chunks, and the offsets stay exact', async () => {
    // The two bytes of é sit on both sides of the first chunk's end.
    const long = 'x'.repeat(READ_CHUNK_BYTES - 4);
    const path = await file(`ab\n${long}é;yz\r\nlast\n`);
    expect((await textLines(path)).map(([line, text, offset]) => [line, text.length, offset])).toEqual([
      [1, 2, 3],
      [2, long.length + 4, 3 + long.length + 7],
      [3, 4, 3 + long.length + 7 + 5],
    ]);
  });

  it('marks a line of invalid UTF-8 or with NUL bytes as bad; the lines around it are read', async () => {
    const path = await file(
      Buffer.concat([
        Buffer.from('ok\n'),
        Buffer.from([0x61, 0xc3, 0x28, 0x0a]),
        Buffer.from('a\u0000b\nfine \ufffd\n'),
      ]),
    );
    const rows = await collect(readLines(path, { start: 0, line: 0, encoding: 'utf8' }));
    expect(rows.map((row) => [row.line, row.offset, row.bad])).toEqual([
      [1, 3, undefined],
      [2, 7, expect.stringMatching(/invalid UTF-8/)],
      [3, 11, expect.stringMatching(/NUL byte at character 2/)],
      [4, 20, undefined],
    ]);
  });

  it('fails the file when its first line is not text, or a line outgrows the limit', async () => {
    const binary = await file(Buffer.from([0x00, 0x01, 0x0a]));
    await expect(collect(readLines(binary, { start: 0, line: 0, encoding: 'utf8' }))).rejects.toThrow(
      /first line is not text/,
    );
    const huge = await file(`a\n${'y'.repeat(READ_CHUNK_BYTES + 10)}\n`);
    const reading = collect(readLines(huge, { start: 0, line: 0, encoding: 'utf8', maxLineBytes: 1000 }));
    await expect(reading).rejects.toBeInstanceOf(FileDecodeError);
    await expect(reading).rejects.toThrow(/line 2 is longer than 1000 bytes/);
  });
});

describe('readLineBytes', () => {
  it('reports and skips a line that outgrows the limit (also the last, unterminated one), with its size', async () => {
    const big = 'z'.repeat(READ_CHUNK_BYTES * 2 + 7);
    const path = await file(`{"a":1}\r\n${big}\r\n{"b":2}\n${big}`);
    const rows = await collect(
      readLineBytes(path, { start: 0, line: 0, encoding: 'utf8', maxLineBytes: 100, longLines: 'report' }),
    );
    expect(rows.map((row) => [row.line, Buffer.from(row.text).toString(), row.offset, row.long])).toEqual([
      [1, '{"a":1}', 9, undefined],
      [2, '', 9 + big.length + 2, big.length + 1],
      [3, '{"b":2}', 9 + big.length + 2 + 8, undefined],
      [4, '', 9 + big.length + 2 + 8 + big.length, big.length],
    ]);
  });

  it('transcodes UTF-16 lines to UTF-8 and fails the file on text that is not UTF-16', async () => {
    const good = await file(Buffer.from('\ufeff{"é":1}\r\n{}', 'utf16le'));
    const rows = await collect(readLineBytes(good, { start: 2, line: 0, encoding: 'utf16le' }));
    expect(rows.map((row) => [Buffer.from(row.text).toString('utf8'), row.offset])).toEqual([
      ['{"é":1}', 20],
      ['{}', 24],
    ]);
    const broken = await file(
      Buffer.concat([Buffer.from('\ufeff{}\n', 'utf16le'), Buffer.from([0x00, 0xd8, 0x41, 0x00])]),
    );
    await expect(collect(readLineBytes(broken, { start: 2, line: 0, encoding: 'utf16le' }))).rejects.toThrow(
      /not valid UTF-16LE text/,
    );
  });
});

describe('readUtf8Chunks', () => {
  it('gives the text after the BOM as UTF-8, from a start offset, transcoding UTF-16 and windows-1252', async () => {
    const join8 = async (path: string, layout: Parameters<typeof readUtf8Chunks>[1], start?: number) => {
      const parts: Uint8Array[] = [];
      for await (const part of readUtf8Chunks(path, layout, { start })) parts.push(part);
      return Buffer.concat(parts).toString('utf8');
    };
    const utf8 = await file('\ufeffabc\ndef');
    expect(await join8(utf8, await sniffText(utf8))).toBe('abc\ndef');
    expect(await join8(utf8, await sniffText(utf8), 7)).toBe('def');
    const wide = await file(Buffer.from('\ufeff€ 😀', 'utf16le').swap16());
    expect(await join8(wide, await sniffText(wide))).toBe('€ 😀');
    const win = await file(Buffer.from([0x80, 0x20, 0xe9]));
    expect(await join8(win, await sniffText(win, 'win1252'))).toBe('€ é');
  });
});
