import type { DecodeContext, DecodedItem, TextLayout } from '@offloader/core';
import { asBuffer, readLineBytes, readUtf8Chunks } from '@offloader/core';
import { decodeEntry, type EntryContext } from './entryItems.js';
import { CustomEventCodes, fileError } from './errors.js';
import { DocumentStructureError, JsonRecordsScanner } from './JsonRecordsScanner.js';
import type { RecordConverter } from './RecordConverter.js';

/** What both readers get for one pass over one file. */
export interface ReaderInput {
  context: DecodeContext;
  layout: TextLayout;
  converter: RecordConverter;
  route: string;
  maxTextBytes: number;
  /** Reports the refused stream as its own event and returns the error that quarantines the file. */
  refuseStream(stream: string, where: string): Error;
}

/**
 * Reads a `.json` document in two streaming passes: the first checks the structure and collects the top-level
 * members wherever they are (StreamName may follow Records), skipping the array body; the second cuts out the
 * elements of `Records` one at a time. `line` of each item is its record number, so resuming needs no offsets.
 */
export async function* readDocument(input: ReaderInput): AsyncGenerator<DecodedItem[]> {
  const { context, layout, converter } = input;
  const path = context.file.path;
  const header = new JsonRecordsScanner({ captureElements: false, maxElementBytes: 0 });
  for await (const chunk of readUtf8Chunks(path, layout, { strict: true })) {
    structural(path, () => header.push(chunk));
    if (context.signal.aborted) return;
  }
  if (!structural(path, () => header.end())) {
    context.notice({ code: CustomEventCodes.fileEmpty, message: 'the file is empty (no JSON document)' });
    return;
  }
  const stream = fileStream(input, header.members);
  if (header.elementCount === 0) {
    context.notice({ code: CustomEventCodes.fileEmpty, message: 'Records is empty', severity: 'info' });
    return;
  }
  const entryContext: EntryContext = {
    file: path,
    converter,
    shape: 'record',
    fileStream: stream,
    route: input.route,
    maxTextBytes: input.maxTextBytes,
  };
  const resumeAfter = context.resume.line;
  const scanner = new JsonRecordsScanner({
    captureElements: true,
    skipThrough: resumeAfter,
    maxElementBytes: input.maxTextBytes,
  });
  for await (const chunk of readUtf8Chunks(path, layout, { strict: true })) {
    const items: DecodedItem[] = [];
    for (const element of structural(path, () => scanner.push(chunk))) {
      if (element.ordinal <= resumeAfter) continue;
      const slot = {
        line: element.ordinal,
        position: { line: element.line, ordinal: element.ordinal },
        size: element.size,
      };
      items.push(decodeEntry(entryContext, slot, element.bytes));
    }
    if (items.length > 0) yield items;
    if (context.signal.aborted) return;
  }
  structural(path, () => scanner.end());
}

/** The stream named by the document's top-level members, checked; undefined when it names none. */
function fileStream(input: ReaderInput, members: ReadonlyMap<string, string>): string | undefined {
  const path = input.context.file.path;
  // No prototype: a member named "__proto__" must stay an (unknown) member, not become the object's prototype.
  const parsed: Record<string, unknown> = Object.create(null);
  for (const [name, text] of members) {
    try {
      parsed[name] = JSON.parse(text);
    } catch (error) {
      throw fileError(path, `top-level member "${name}" is not valid JSON: ${(error as Error).message}`);
    }
  }
  const problem = input.converter.checkFileMembers(parsed);
  if (problem) throw fileError(path, `not a custom offload file: ${problem.reason}`);
  if (parsed.StreamName !== undefined && parsed.StreamARN !== undefined) {
    throw fileError(path, 'give StreamName or StreamARN, not both');
  }
  const stream = (parsed.StreamName ?? parsed.StreamARN) as string | undefined;
  if (stream !== undefined && !input.converter.isAllowed(stream)) {
    throw input.refuseStream(stream, parsed.StreamName !== undefined ? 'StreamName' : 'StreamARN');
  }
  return stream;
}

function structural<T>(path: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof DocumentStructureError) {
      throw fileError(path, `not a JSON object with a Records array: ${error.message}`, error.line, error);
    }
    throw error;
  }
}

const OPEN_BRACE = 0x7b;
const STREAM_MARK = Buffer.from('Stream');
const ESCAPE_MARK = Buffer.from('\\u');

/**
 * Reads a JSON Lines file: a first pass finds out whether any line names a stream that is not allowed (the file
 * is then quarantined whole, before a single record is sent) and whether the file is JSON Lines at all; the
 * second pass decodes line by line. Blank lines are skipped. UTF-8 files resume at the checkpointed offset.
 */
export async function* readJsonLines(input: ReaderInput): AsyncGenerator<DecodedItem[]> {
  const { context, layout, converter } = input;
  const path = context.file.path;
  const survey = await surveyLines(input);
  if (context.signal.aborted) return;
  if (survey.nonBlank === 0) {
    context.notice({ code: CustomEventCodes.fileEmpty, message: 'the file is empty (no non-blank line)' });
    return;
  }
  if (survey.objectLines === 0) {
    throw fileError(
      path,
      'not JSON Lines: no line starts with "{" (one JSON object per line expected)',
      survey.firstLine,
    );
  }
  const entryContext: EntryContext = {
    file: path,
    converter,
    shape: 'line',
    route: input.route,
    maxTextBytes: input.maxTextBytes,
  };
  const withOffsets = layout.encoding === 'utf8';
  const resumeOffset = withOffsets ? (context.resume.offset ?? 0) : 0;
  const start = resumeOffset > 0 ? { line: context.resume.line, offset: resumeOffset } : { line: 0, offset: 0 };
  const resumeAfter = context.resume.line;
  for await (const lines of entryLines(input, start)) {
    const items: DecodedItem[] = [];
    for (const line of lines) {
      if (line.line <= resumeAfter || (line.bytes !== undefined && isBlank(line.bytes))) continue;
      const slot = { line: line.line, position: { line: line.line }, size: line.size };
      items.push(decodeEntry(entryContext, withOffsets ? { ...slot, offset: line.endOffset } : slot, line.bytes));
    }
    if (items.length > 0) yield items;
    if (context.signal.aborted) return;
  }
}

/** One line of a JSON Lines file as UTF-8. */
interface EntryLine {
  line: number;
  /** The line without its CR/LF; absent when longer than `maxTextBytes`. */
  bytes?: Uint8Array;
  /** Length of the line in bytes, also when too long to keep. */
  size: number;
  /** Byte offset in the file just after the line's terminator. */
  endOffset: number;
}

/** The lines of the file from `from`, holding at most one line of `maxTextBytes` (as UTF-8) in memory. */
async function* entryLines(input: ReaderInput, from = { line: 0, offset: 0 }): AsyncGenerator<EntryLine[]> {
  const { context, layout, maxTextBytes } = input;
  const lines = readLineBytes(context.file.path, {
    start: Math.max(from.offset, layout.bomLength),
    line: from.line,
    encoding: layout.encoding,
    signal: context.signal,
    // One byte more for a CR; UTF-16 text takes at most twice its UTF-8 bytes, so the exact check is below.
    maxLineBytes: layout.encoding === 'utf8' ? maxTextBytes + 1 : 2 * maxTextBytes + 2,
    longLines: 'report',
  });
  for await (const chunk of lines) {
    yield chunk.texts.map((bytes, index) => {
      const size = chunk.long?.get(index) ?? bytes.length;
      return {
        line: chunk.lines[index],
        bytes: size > maxTextBytes ? undefined : bytes,
        size,
        endOffset: chunk.offsets[index],
      };
    });
  }
}

interface LineSurvey {
  nonBlank: number;
  objectLines: number;
  firstLine?: number;
}

async function surveyLines(input: ReaderInput): Promise<LineSurvey> {
  const { converter } = input;
  const survey: LineSurvey = { nonBlank: 0, objectLines: 0 };
  const look = (line: EntryLine) => {
    const bytes = line.bytes;
    if (bytes === undefined) {
      survey.nonBlank++;
      survey.firstLine ??= line.line;
      return;
    }
    const first = firstNonSpace(bytes);
    if (first === -1) return;
    survey.nonBlank++;
    survey.firstLine ??= line.line;
    if (bytes[first] !== OPEN_BRACE) return;
    survey.objectLines++;
    // Only lines that can name a stream are parsed here (an escaped key could spell StreamName, hence \u).
    const view = asBuffer(bytes);
    if (!view.includes(STREAM_MARK) && !view.includes(ESCAPE_MARK)) return;
    for (const stream of namedStreams(view)) {
      if (!converter.isAllowed(stream.value))
        throw input.refuseStream(stream.value, `line ${line.line} ${stream.field}`);
    }
  };
  for await (const lines of entryLines(input)) for (const line of lines) look(line);
  return survey;
}

function namedStreams(line: Buffer): { field: string; value: string }[] {
  let entry: unknown;
  try {
    entry = JSON.parse(line.toString('utf8'));
  } catch {
    return []; // Rejected as a row in the second pass.
  }
  if (typeof entry !== 'object' || entry === null) return [];
  const streams: { field: string; value: string }[] = [];
  for (const field of ['StreamName', 'StreamARN']) {
    const value = (entry as Record<string, unknown>)[field];
    if (typeof value === 'string') streams.push({ field, value });
  }
  return streams;
}

function firstNonSpace(bytes: Uint8Array): number {
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0a) return index;
  }
  return -1;
}

function isBlank(bytes: Uint8Array): boolean {
  return firstNonSpace(bytes) === -1;
}
