import { createReadStream } from 'node:fs';
import { FileDecodeError } from '@offloader/core';
import { decodeWin1252 } from './win1252.js';

/** Text encodings of offload files. */
export type TextEncoding = 'utf8' | 'utf16le' | 'latin1' | 'win1252';

/** Lines of one input chunk, in parallel arrays (no object per line on the hot path). */
export interface LineChunk {
  /** Line texts without terminator (`\r\n` or `\n`). Empty lines are left out. */
  texts: string[];
  /** 1-based line number of each text. */
  lines: number[];
  /** Byte offset just after each line's terminator. */
  offsets: number[];
  /** Set on the last chunk when the file ends without a line terminator: `texts` ends with that partial line. */
  truncated: boolean;
  /** Lines (by index in `texts`) whose bytes are not text: invalid UTF-8 or NUL bytes. Rejected as rows. */
  bad?: Map<number, string>;
}

const CHUNK_BYTES = 1 << 18;
/** A "line" longer than this means the file is not a line-based text file. */
const MAX_LINE_BYTES = 64 << 20;

/**
 * Splits a file into lines at the byte level (so every line's end offset is exact, and resume can seek), then
 * decodes each line. Handles LF and CRLF, UTF-8 / latin1 / windows-1252 / UTF-16LE. Memory is bounded by one
 * chunk plus the longest line.
 */
export async function* readLines(
  path: string,
  options: { start: number; line: number; encoding: TextEncoding; signal?: AbortSignal },
): AsyncGenerator<LineChunk> {
  const wide = options.encoding === 'utf16le';
  const decode = decoderFor(options.encoding);
  const stream = createReadStream(path, { start: options.start, highWaterMark: CHUNK_BYTES });
  let carry: Buffer | undefined;
  let carryStart = options.start;
  let line = options.line;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      const base = carryStart;
      const out: LineChunk = { texts: [], lines: [], offsets: [], truncated: false };
      let start = 0;
      for (;;) {
        const end = findNewline(buffer, start, wide);
        if (end < 0) break;
        line++;
        let textEnd = end;
        if (wide) {
          if (textEnd - start >= 2 && buffer[textEnd - 2] === 0x0d && buffer[textEnd - 1] === 0) textEnd -= 2;
        } else if (textEnd > start && buffer[textEnd - 1] === 0x0d) textEnd--;
        const next = end + (wide ? 2 : 1);
        if (textEnd > start) {
          const text = decode(buffer, start, textEnd);
          const problem = wide ? undefined : byteProblem(buffer, start, textEnd, text, options.encoding);
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
      if (carry && carry.length > MAX_LINE_BYTES) {
        throw new FileDecodeError(
          `${path}: line ${line + 1} is longer than ${MAX_LINE_BYTES} bytes; not a line-based file`,
          {
            file: path,
            line: line + 1,
          },
        );
      }
      if (out.texts.length > 0) yield out;
      if (options.signal?.aborted) return;
    }
    if (carry) {
      let end = carry.length;
      if (!wide && carry[end - 1] === 0x0d) end--;
      if (end > 0) {
        const text = decode(carry, 0, end);
        const problem = wide ? undefined : byteProblem(carry, 0, end, text, options.encoding);
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

function findNewline(buffer: Buffer, from: number, wide: boolean): number {
  if (!wide) return buffer.indexOf(0x0a, from);
  let at = from;
  for (;;) {
    at = buffer.indexOf(0x0a, at);
    if (at < 0 || at + 1 >= buffer.length) return -1;
    if ((at - from) % 2 === 0 && buffer[at + 1] === 0) return at;
    at++;
  }
}

type Decode = (buffer: Buffer, start: number, end: number) => string;

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

function decoderFor(encoding: TextEncoding): Decode {
  if (encoding === 'win1252') return decodeWin1252;
  const name = encoding === 'utf16le' ? 'utf16le' : encoding === 'latin1' ? 'latin1' : 'utf8';
  return (buffer, start, end) => buffer.toString(name, start, end);
}

/** Encoding and BOM length of a file: a BOM wins over the configured encoding. */
export function detectEncoding(head: Buffer, configured: TextEncoding): { encoding: TextEncoding; bomLength: number } {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf)
    return { encoding: 'utf8', bomLength: 3 };
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf16le', bomLength: 2 };
  return { encoding: configured, bomLength: 0 };
}
