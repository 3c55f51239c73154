import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

/** How the bytes of a file are laid out as text. */
export interface TextLayout {
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be';
  /** Bytes of the byte-order mark at the start (0, 2 or 3). */
  bomBytes: number;
  /** True when the file starts without a BOM but holds NUL bytes: UTF-16 without a BOM, or binary. */
  looksBinary: boolean;
}

const SNIFF_BYTES = 4096;
/** Large reads keep the per-chunk cost low; one chunk is the most a reader holds besides its current record. */
export const READ_CHUNK_BYTES = 256 * 1024;

/** Reads the first bytes of `path` to find its BOM (UTF-8, UTF-16 LE/BE) and whether it holds NUL bytes. */
export async function sniffLayout(path: string): Promise<TextLayout> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    const bytes = head.subarray(0, bytesRead);
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      return { encoding: 'utf-8', bomBytes: 3, looksBinary: false };
    }
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bomBytes: 2, looksBinary: false };
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bomBytes: 2, looksBinary: false };
    return { encoding: 'utf-8', bomBytes: 0, looksBinary: bytes.includes(0) };
  } finally {
    await handle.close();
  }
}

/** The file as UTF-8 was not valid UTF-16 (only UTF-16 files are transcoded). */
export class TextEncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TextEncodingError';
  }
}

/**
 * The file's text as UTF-8 chunks, without its BOM, read with bounded memory. UTF-8 files are passed through
 * as read, starting at byte `start` when given (a resume offset, never inside the BOM); UTF-16 files are
 * transcoded chunk by chunk (always from the start: offsets of the transcoded text are not file offsets).
 */
export async function* readUtf8(path: string, layout: TextLayout, start = 0): AsyncGenerator<Uint8Array> {
  const from = Math.max(start, layout.bomBytes);
  const stream = createReadStream(path, { start: from, highWaterMark: READ_CHUNK_BYTES });
  if (layout.encoding === 'utf-8') {
    for await (const chunk of stream) yield chunk as Buffer;
    return;
  }
  const decoder = new TextDecoder(layout.encoding, { fatal: true });
  try {
    for await (const chunk of stream) {
      const text = decoder.decode(chunk as Buffer, { stream: true });
      if (text.length > 0) yield Buffer.from(text, 'utf8');
    }
    const rest = decoder.decode();
    if (rest.length > 0) yield Buffer.from(rest, 'utf8');
  } catch (error) {
    if (error instanceof TypeError) throw new TextEncodingError(`not valid ${layout.encoding.toUpperCase()} text`);
    throw error;
  }
}
