import { readUtf8Chunks, type TextEncoding } from '@offloader/core';
import { type CsvError, parse } from 'csv-parse';

/** One row of a quoted file: its fields, or why it could not be parsed. */
export interface QuotedRow {
  fields?: string[];
  /** Problem found by the parser (unclosed quote, truncated last row). */
  problem?: string;
  /** The row as read (approximate for parser errors), without its terminator. */
  raw: string;
  line: number;
  endLine: number;
  /** Byte offset after the row (UTF-8 files only: other encodings are transcoded, so offsets are not file offsets). */
  offset?: number;
}

/**
 * Streams an RFC 4180 file (quoted fields may hold the delimiter, doubled quotes and line breaks) through
 * csv-parse. Line numbers are counted from the bytes fed to the parser, because csv-parse's own `lines` counts a
 * quoted CRLF twice. Resumes at a byte offset in UTF-8 files, otherwise by skipping rows up to `resumeLine`.
 */
export async function* readQuoted(
  path: string,
  options: { encoding: TextEncoding; bomLength: number; delimiter: string; resumeLine: number; resumeOffset?: number },
): AsyncGenerator<QuotedRow[]> {
  const seekable = options.encoding === 'utf8';
  const start = seekable && options.resumeOffset ? options.resumeOffset : options.bomLength;
  const firstLine = seekable && options.resumeOffset ? options.resumeLine : 0;
  const rows: QuotedRow[] = [];
  const newlines: number[] = [];
  let newlineHead = 0;
  let consumedNewlines = 0;
  let lastNewline = -1;
  let fed = 0;

  /** Consumes the newlines strictly before `position` (in the bytes fed); returns the lines completed so far. */
  const advanceTo = (position: number): number => {
    while (newlineHead < newlines.length && newlines[newlineHead] < position) {
      lastNewline = newlines[newlineHead++];
      consumedNewlines++;
    }
    if (newlineHead > 4096) {
      newlines.splice(0, newlineHead);
      newlineHead = 0;
    }
    return firstLine + consumedNewlines;
  };
  const parser = parse({
    delimiter: options.delimiter,
    quote: '"',
    escape: '"',
    bom: false,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    raw: true,
    on_record: (output: unknown, context) => {
      // With `info`/`raw` on, csv-parse hands over `{ record, raw, info }`.
      const wrapped = output as { record: string[]; raw?: string };
      const record = wrapped.record;
      const end = context.bytes;
      const consumed = advanceTo(end);
      const endsWithNewline = lastNewline === end - 1;
      const endLine = endsWithNewline ? consumed : consumed + 1;
      let inner = 0;
      for (const field of record) for (let at = field.indexOf('\n'); at >= 0; at = field.indexOf('\n', at + 1)) inner++;
      const raw = trimRaw(wrapped.raw ?? record.join(options.delimiter));
      const row: QuotedRow = {
        fields: record,
        raw,
        line: endLine - inner,
        endLine,
        offset: seekable ? start + end : undefined,
      };
      if (!endsWithNewline) {
        row.fields = undefined;
        row.problem = 'truncated row: the file ends without a line terminator';
      }
      if (endLine > options.resumeLine) rows.push(row);
      return null;
    },
    on_skip: (error: CsvError | undefined, raw: string | undefined) => {
      const end = parser.info.bytes;
      const consumed = advanceTo(end);
      const text = trimRaw(raw ?? '');
      const endLine = lastNewline === end - 1 ? consumed : consumed + 1;
      const inner = text.split('\n').length - 1;
      if (endLine > options.resumeLine) {
        rows.push({
          problem: error?.message ?? 'unparsable row',
          raw: text,
          line: Math.max(1, endLine - inner),
          endLine,
        });
      }
      return undefined;
    },
  });
  parser.resume();
  const chunks = readUtf8Chunks(path, { encoding: options.encoding, bomLength: options.bomLength }, { start });
  try {
    for await (const bytes of chunks) {
      for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) newlines.push(fed + at);
      fed += bytes.length;
      await new Promise<void>((resolve, reject) => parser.write(bytes, (error) => (error ? reject(error) : resolve())));
      if (rows.length > 0) yield rows.splice(0);
    }
    await new Promise<void>((resolve, reject) => {
      parser.once('error', reject);
      parser.end(resolve);
    });
    if (rows.length > 0) yield rows.splice(0);
  } finally {
    await chunks.return(undefined);
    parser.destroy();
  }
}

/** csv-parse's `raw` keeps a stray `\r` of the terminator and of skipped empty lines. */
function trimRaw(raw: string): string {
  let start = 0;
  let end = raw.length;
  while (start < end && (raw.charCodeAt(start) === 13 || raw.charCodeAt(start) === 10)) start++;
  while (end > start && (raw.charCodeAt(end - 1) === 13 || raw.charCodeAt(end - 1) === 10)) end--;
  return raw.slice(start, end);
}
