import type { DecodeContext, DecodedItem, FileDecoder, TextEncoding } from '@offloader/core';
import { OffloaderError, RowError, readLines, sniffText } from '@offloader/core';
import type { ValidateFunction } from 'ajv';
import { FieldError } from './errors.js';
import type { UnknownIdListener } from './lookups.js';
import type { DialectOptions } from './options.js';
import { readQuoted } from './QuotedReader.js';
import type { RowMapper } from './RowMappers.js';
import { describeSchemaError } from './recordSchemas.js';

/** Mapper and compiled validator of one route. */
export interface KindRuntime {
  mapper: RowMapper;
  validate: ValidateFunction;
  columns: readonly string[];
}

/**
 * Rows handed on at a time. A read chunk holds thousands of rows; yielding them in slices lets each slice's records
 * be sent and become garbage while they are still young, instead of all surviving into the old generation.
 */
const YIELD_ROWS = 500;

/** Event code of ids missing from the lookup tables (one event per file). */
export const UNKNOWN_ENUM_ID = 'UNKNOWN_ENUM_ID';

/**
 * Turns one DataMiner offload file into records: detects the encoding (BOM), splits rows (a byte-level line
 * splitter for the default unquoted dialect, csv-parse for `quote: '"'`), maps each row with the kind's mapper,
 * validates it against the corrected record schema, and yields row errors for everything else.
 */
export class DataminerDecoder implements FileDecoder {
  constructor(
    private readonly kinds: ReadonlyMap<string, KindRuntime>,
    private readonly dialect: DialectOptions,
    private readonly encoding: TextEncoding,
  ) {}

  async *decode(context: DecodeContext): AsyncIterable<readonly DecodedItem[]> {
    const { file, resume } = context;
    const runtime = this.kinds.get(file.kind.route);
    if (!runtime)
      throw new OffloaderError('PLUGIN_FAILED', `no decoder for route ${file.kind.route}`, { file: file.path });
    const sniffed = await sniffText(file.path, this.encoding);
    // UTF-16BE is no DataMiner encoding: its BOM is not honoured, so the file is read as configured (not text).
    const { encoding, bomLength } =
      sniffed.encoding === 'utf16be' ? { encoding: this.encoding, bomLength: 0 } : sniffed;
    let currentLine = 0;
    const onUnknown: UnknownIdListener = (field, id, text) =>
      context.notice({
        code: UNKNOWN_ENUM_ID,
        field,
        line: currentLine,
        message: `id ${id} is not in the ${field === 'ISTATUS_DESC' ? 'iStatus' : 'enum'} table; emitted as "${text}"`,
      });
    const skipHeader = this.dialect.hasHeader;
    const delimiter = this.dialect.delimiter;

    if (this.dialect.quote === 'none') {
      const start = resume.offset && resume.offset > bomLength ? resume.offset : bomLength;
      const firstLine = start === bomLength ? 0 : resume.line;
      for await (const chunk of readLines(file.path, { start, line: firstLine, encoding, signal: context.signal })) {
        let items: DecodedItem[] = [];
        const { texts, lines, offsets } = chunk;
        const last = texts.length - 1;
        for (let i = 0; i <= last; i++) {
          const line = lines[i];
          if (line <= resume.line || (skipHeader && line === 1)) continue;
          currentLine = line;
          const text = texts[i];
          const bytesProblem = chunk.bad?.get(i);
          const item = bytesProblem
            ? rowError(file.path, line, line, offsets[i], text, bytesProblem)
            : chunk.truncated && i === last
              ? rowError(
                  file.path,
                  line,
                  line,
                  offsets[i],
                  text,
                  'truncated row: the file ends without a line terminator',
                )
              : this.decodeRow(runtime, text.split(delimiter), text, line, line, offsets[i], file.path, onUnknown);
          if (item) items.push(item);
          if (items.length >= YIELD_ROWS) {
            yield items;
            items = [];
          }
        }
        if (items.length > 0) yield items;
      }
      return;
    }

    const rows = readQuoted(file.path, {
      encoding,
      bomLength,
      delimiter,
      resumeLine: resume.line,
      resumeOffset: resume.offset || undefined,
    });
    for await (const chunk of rows) {
      const items: DecodedItem[] = [];
      for (const row of chunk) {
        if (skipHeader && row.line === 1) continue;
        currentLine = row.line;
        const item = row.fields
          ? this.decodeRow(runtime, row.fields, row.raw, row.line, row.endLine, row.offset, file.path, onUnknown)
          : rowError(file.path, row.line, row.endLine, row.offset, row.raw, row.problem ?? 'unparsable row');
        if (item) items.push(item);
      }
      if (items.length > 0) yield items;
    }
  }

  private decodeRow(
    runtime: KindRuntime,
    fields: string[],
    raw: string,
    line: number,
    endLine: number,
    offset: number | undefined,
    path: string,
    onUnknown: UnknownIdListener,
  ): DecodedItem | undefined {
    const { mapper } = runtime;
    let row = fields;
    if (row.length !== mapper.fieldCount) {
      const repaired = mapper.repair(row, this.dialect.delimiter);
      if (!repaired) {
        const field = row.length < mapper.fieldCount ? runtime.columns[row.length] : `(field ${mapper.fieldCount + 1})`;
        const reason = `has ${row.length} fields, expected ${mapper.fieldCount}`;
        return { kind: 'error', error: new RowError(reason, { file: path, line, field }), line, endLine, offset, raw };
      }
      row = repaired;
    }
    let value: Record<string, unknown> | undefined;
    try {
      value = mapper.map(row, onUnknown);
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      return { kind: 'error', error: error.toRowError(path, line), line, endLine, offset, raw };
    }
    if (value === undefined) return undefined;
    if (!runtime.validate(value)) {
      const { field, reason } = describeSchemaError(runtime.validate.errors);
      const error = new RowError(reason, { file: path, line, field, code: 'RECORD_INVALID' });
      return { kind: 'error', error, line, endLine, offset, raw };
    }
    return { kind: 'record', value, line, endLine, offset, raw, route: mapper.route };
  }
}

function rowError(
  path: string,
  line: number,
  endLine: number,
  offset: number | undefined,
  raw: string,
  reason: string,
): DecodedItem {
  return { kind: 'error', error: new RowError(reason, { file: path, line }), line, endLine, offset, raw };
}
