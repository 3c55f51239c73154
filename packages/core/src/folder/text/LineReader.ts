import { createReadStream } from 'node:fs';
import { FileDecodeError } from '../types.js';
import { decoderFor, type TextEncoding, unitBytes, utf8Transcoder } from './encodings.js';
import { READ_CHUNK_BYTES } from './readUtf8Chunks.js';

/** Lines of one input chunk, in parallel arrays (no object per line on the hot path). */
export interface LineChunk<Text = string> {
  /** Line texts without terminator (`\r\n` or `\n`). Empty lines are left out. */
  texts: Text[];
  /** 1-based line number of each text. */
  lines: number[];
  /** Byte offset in the file just after each line's terminator. */
  offsets: number[];
  /** Set on the last chunk when the file ends without a line terminator: `texts` ends with that partial line. */
  truncated: boolean;
  /** Lines (by index in `texts`) whose bytes are not text: invalid UTF-8 or NUL bytes. Rejected as rows. */
  bad?: Map<number, string>;
  /** With `longLines: 'report'`: lines (by index) longer than `maxLineBytes`, with their size; their text is empty. */
  long?: Map<number, number>;
}

export interface LineReadOptions {
  /** Byte offset to read from: past the BOM, or a checkpointed line end. */
  start: number;
  /** Number of the line before `start` (0 at the start of the file). */
  line: number;
  encoding: TextEncoding;
  signal?: AbortSignal;
  /** Longest line held in memory, in file bytes; 64 MiB unless given. */
  maxLineBytes?: number;
  /**
   * A line that outgrows `maxLineBytes` while it is read fails the file (`fail`, the default: not a line-based
   * file) or is skipped and reported in `long` (`report`). A kept line may still be longer by up to one chunk:
   * callers with an exact limit compare the lengths of kept lines themselves.
   */
  longLines?: 'fail' | 'report';
}

/** A "line" longer than this means the file is not a line-based text file. */
const MAX_LINE_BYTES = 64 << 20;

/**
 * Splits a file into lines at the byte level (so every line's end offset is exact, and resume can seek), then
 * decodes each line. Handles LF and CRLF, UTF-8 / latin1 / windows-1252 / UTF-16LE / UTF-16BE. Memory is bounded
 * by one chunk plus the longest line. Lines of invalid UTF-8 or with NUL bytes are marked `bad`.
 */
export function readLines(path: string, options: LineReadOptions): AsyncGenerator<LineChunk<string>> {
  return splitLines(path, options, decoderFor(options.encoding), unitBytes(options.encoding) === 1);
}

/**
 * The lines of a file as UTF-8 bytes (other encodings transcoded line by line), with the same exact offsets as
 * {@link readLines}. Text that is not valid UTF-16 fails the file; UTF-8 lines are passed on as read.
 */
export function readLineBytes(path: string, options: LineReadOptions): AsyncGenerator<LineChunk<Uint8Array>> {
  if (options.encoding === 'utf8')
    return splitLines(path, options, (buffer, start, end) => buffer.subarray(start, end), false);
  const transcode = utf8Transcoder(options.encoding, { path, strict: true });
  return splitLines(path, options, (buffer, start, end) => transcode(buffer.subarray(start, end), true), false);
}

async function* splitLines<Text>(
  path: string,
  options: LineReadOptions,
  decode: (buffer: Buffer, start: number, end: number) => Text,
  checkBytes: boolean,
): AsyncGenerator<LineChunk<Text>> {
  const unit = unitBytes(options.encoding);
  const wide = unit === 2;
  const bigEndian = options.encoding === 'utf16be';
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  const stream = createReadStream(path, { start: options.start, highWaterMark: READ_CHUNK_BYTES });
  let carry: Buffer | undefined;
  let carryStart = options.start;
  let line = options.line;
  /** Bytes of the too-long line being skipped (`longLines: 'report'`). */
  let skipped: number | undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      const base = carryStart;
      const out: LineChunk<Text> = { texts: [], lines: [], offsets: [], truncated: false };
      let start = 0;
      if (skipped !== undefined) {
        const end = findNewline(buffer, 0, wide, bigEndian);
        if (end < 0) {
          // Keep an odd byte of UTF-16 so the next chunk stays aligned on code units.
          const keep = buffer.length % unit;
          skipped += buffer.length - keep;
          carry = keep > 0 ? buffer.subarray(buffer.length - keep) : undefined;
          carryStart = base + buffer.length - keep;
          if (options.signal?.aborted) return;
          continue;
        }
        line++;
        out.long = new Map([[0, skipped + end]]);
        out.texts.push(decode(buffer, 0, 0));
        out.lines.push(line);
        out.offsets.push(base + end + unit);
        skipped = undefined;
        start = end + unit;
      }
      for (;;) {
        const end = findNewline(buffer, start, wide, bigEndian);
        if (end < 0) break;
        line++;
        let textEnd = end;
        if (wide) {
          if (textEnd - start >= 2 && isWideCr(buffer, textEnd - 2, bigEndian)) textEnd -= 2;
        } else if (textEnd > start && buffer[textEnd - 1] === 0x0d) textEnd--;
        const next = end + unit;
        if (textEnd > start) {
          const text = decode(buffer, start, textEnd);
          const problem = checkBytes
            ? byteProblem(buffer, start, textEnd, text as string, options.encoding)
            : undefined;
          if (problem) {
            if (line === 1) throw notText(path, problem);
            out.bad ??= new Map();
            out.bad.set(out.texts.length, problem);
          }
          out.texts.push(text);
          out.lines.push(line);
          out.offsets.push(base + next);
        }
        start = next;
      }
      carry = start < buffer.length ? buffer.subarray(start) : undefined;
      carryStart = base + start;
      if (carry && carry.length > maxLineBytes) {
        if (options.longLines !== 'report') throw tooLong(path, line + 1, maxLineBytes);
        const keep = carry.length % unit;
        skipped = carry.length - keep;
        carryStart += skipped;
        carry = keep > 0 ? carry.subarray(carry.length - keep) : undefined;
      }
      if (out.texts.length > 0) yield out;
      if (options.signal?.aborted) return;
    }
    if (skipped !== undefined) {
      yield {
        texts: [decode(Buffer.alloc(0), 0, 0)],
        lines: [line + 1],
        offsets: [carryStart + (carry?.length ?? 0)],
        truncated: true,
        long: new Map([[0, skipped + (carry?.length ?? 0)]]),
      };
    } else if (carry) {
      let end = carry.length;
      if (!wide && carry[end - 1] === 0x0d) end--;
      if (end > 0) {
        const text = decode(carry, 0, end);
        const problem = checkBytes ? byteProblem(carry, 0, end, text as string, options.encoding) : undefined;
        if (problem && line === 0) throw notText(path, problem);
        yield {
          texts: [text],
          lines: [line + 1],
          offsets: [carryStart + carry.length],
          truncated: true,
          ...(problem ? { bad: new Map([[0, problem]]) } : {}),
        };
      }
    }
  } finally {
    stream.destroy();
  }
}

/** Position of the next line feed (its first byte, for UTF-16) at or after `from`, or -1. */
function findNewline(buffer: Buffer, from: number, wide: boolean, bigEndian: boolean): number {
  if (!wide) return buffer.indexOf(0x0a, from);
  let at = from;
  for (;;) {
    at = buffer.indexOf(0x0a, at);
    if (bigEndian) {
      if (at < 0) return -1;
      if ((at - from) % 2 === 1 && buffer[at - 1] === 0) return at - 1;
    } else {
      if (at < 0 || at + 1 >= buffer.length) return -1;
      if ((at - from) % 2 === 0 && buffer[at + 1] === 0) return at;
    }
    at++;
  }
}

function isWideCr(buffer: Buffer, at: number, bigEndian: boolean): boolean {
  return bigEndian ? buffer[at] === 0 && buffer[at + 1] === 0x0d : buffer[at] === 0x0d && buffer[at + 1] === 0;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Why a line's bytes are not text, or undefined. NUL bytes never belong in an offload row (a pre-allocated file
 * whose writer died is padded with them); invalid UTF-8 would be sent altered (U+FFFD) if it were not caught.
 */
function byteProblem(buffer: Buffer, start: number, end: number, text: string, encoding: TextEncoding) {
  // A decoded NUL byte is U+0000: looking in the (short) text avoids scanning the rest of the chunk.
  const nul = text.indexOf('\u0000');
  if (nul !== -1) return `NUL byte at character ${nul + 1} of the line: not ${encoding} text`;
  if (encoding !== 'utf8' || !text.includes('\uFFFD')) return undefined;
  try {
    strictUtf8.decode(buffer.subarray(start, end));
    return undefined; // a genuine U+FFFD character
  } catch {
    return 'invalid UTF-8 byte sequence (set `encoding` if the file is latin1 or win1252)';
  }
}

/** The first line is not text at all: the file is binary, or UTF-16 without a BOM. */
function notText(path: string, problem: string): FileDecodeError {
  return new FileDecodeError(`${path}: the first line is not text (${problem}); not a line-based text file`, {
    file: path,
    line: 1,
  });
}

function tooLong(path: string, line: number, maxLineBytes: number): FileDecodeError {
  return new FileDecodeError(`${path}: line ${line} is longer than ${maxLineBytes} bytes; not a line-based file`, {
    file: path,
    line,
  });
}
