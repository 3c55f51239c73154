import type { DecodedItem, DecodedRecord } from '@offloader/core';
import { type RecordPosition, recordError } from './errors.js';
import type { EntryShape, RecordConverter } from './RecordConverter.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** What the readers need to turn the text of one entry into a decoded item. */
export interface EntryContext {
  file: string;
  converter: RecordConverter;
  shape: EntryShape;
  /** Stream named by the file (JSON documents); an entry's own stream wins (JSON Lines). */
  fileStream?: string;
  route: string;
  /** Largest entry text read at all, in bytes. */
  maxTextBytes: number;
}

/** Where the item sits, in the folder source's terms (`line` = its position counter) and for people. */
export interface EntrySlot {
  /** Position counter of the folder source: text line (JSON Lines) or record number (JSON documents). */
  line: number;
  position: RecordPosition;
  offset?: number;
  /** Text size in bytes, also when the bytes were not kept. */
  size: number;
}

/**
 * Parses, validates and converts one entry. Every failure becomes a row error naming the record and field;
 * the raw text (line breaks folded to spaces) goes with it to the quarantine's `.rejected.*` files.
 */
export function decodeEntry(context: EntryContext, slot: EntrySlot, bytes: Uint8Array | undefined): DecodedItem {
  if (bytes === undefined) {
    const item = rowError(
      context,
      slot,
      'RECORD_TOO_LARGE',
      undefined,
      `entry text is ${slot.size} bytes, more than the ${context.maxTextBytes} read for one record (maxRecordBytes × 8); not parsed, the file is kept`,
      '',
    );
    return { ...item, rawMissing: true } as DecodedItem;
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return rowError(
      context,
      slot,
      'RECORD_INVALID',
      undefined,
      'entry is not valid UTF-8',
      Buffer.from(bytes).toString('utf8'),
    );
  }
  const raw = foldLines(text);
  if (raw === '')
    return rowError(context, slot, 'JSON_SYNTAX', undefined, 'empty entry (a stray or trailing comma?)', raw);
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch (error) {
    return rowError(context, slot, 'JSON_SYNTAX', undefined, `invalid JSON: ${(error as Error).message}`, raw);
  }
  let result: ReturnType<RecordConverter['convert']>;
  try {
    result = context.converter.convert(entry, context.shape);
  } catch (error) {
    // Nesting deep enough to exhaust the stack (JSON.stringify, validation): this entry cannot be sent.
    const reason = error instanceof RangeError ? 'nested too deeply to be sent' : (error as Error).message;
    return rowError(context, slot, 'RECORD_INVALID', undefined, `entry cannot be converted: ${reason}`, raw);
  }
  if (!result.ok) {
    const { code, field, reason } = result.problem;
    return rowError(context, slot, code, field || undefined, reason, raw);
  }
  const converted = result.entry;
  const record: DecodedRecord = {
    kind: 'record',
    value: converted.value,
    line: slot.line,
    raw,
    route: context.route,
    data: converted.data,
    partitionKey: converted.partitionKey,
  };
  if (slot.offset !== undefined) record.offset = slot.offset;
  if (converted.explicitHashKey !== undefined) record.explicitHashKey = converted.explicitHashKey;
  const stream = converted.stream ?? context.fileStream;
  if (stream !== undefined) record.stream = stream;
  return record;
}

function rowError(
  context: EntryContext,
  slot: EntrySlot,
  code: Parameters<typeof recordError>[0],
  field: string | undefined,
  reason: string,
  raw: string,
): DecodedItem {
  const item: DecodedItem = {
    kind: 'error',
    error: recordError(code, context.file, slot.position, field, reason),
    line: slot.line,
    raw,
  };
  if (slot.offset !== undefined) item.offset = slot.offset;
  return item;
}

/** The entry on one line: JSON allows line breaks only between tokens, so folding them keeps the meaning. */
function foldLines(text: string): string {
  const trimmed = text.trim();
  return trimmed.includes('\n') ? trimmed.replace(/[ \t]*\r?\n[ \t]*/g, ' ') : trimmed;
}
