import { open } from 'node:fs/promises';
import { FileDecodeError } from '../types.js';
import { decodeWin1252 } from './win1252.js';

/** Text encodings of the files the folder sources read. UTF-16BE is only ever found by its byte-order mark. */
export type TextEncoding = 'utf8' | 'utf16le' | 'utf16be' | 'latin1' | 'win1252';

/** How the bytes of a file are laid out as text. */
export interface TextLayout {
  encoding: TextEncoding;
  /** Bytes of the byte-order mark at the start (0, 2 or 3): the text starts there. */
  bomLength: number;
  /** True when the file starts without a BOM but its first bytes hold NUL: UTF-16 without a BOM, or binary. */
  looksBinary: boolean;
}

const SNIFF_BYTES = 4096;

/** Encoding and BOM length of a file's first bytes: a BOM wins over the configured encoding. */
export function layoutOf(head: Uint8Array, configured: TextEncoding = 'utf8'): TextLayout {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf)
    return { encoding: 'utf8', bomLength: 3, looksBinary: false };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf16le', bomLength: 2, looksBinary: false };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf16be', bomLength: 2, looksBinary: false };
  return { encoding: configured, bomLength: 0, looksBinary: head.includes(0) };
}

/** Reads the first bytes of `path` to find its BOM (UTF-8, UTF-16 LE/BE) and whether it holds NUL bytes. */
export async function sniffText(path: string, configured: TextEncoding = 'utf8'): Promise<TextLayout> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    return layoutOf(head.subarray(0, bytesRead), configured);
  } finally {
    await handle.close();
  }
}

/** Bytes of one UTF-16 code unit, or 1 for the byte-wise encodings. */
export function unitBytes(encoding: TextEncoding): 1 | 2 {
  return encoding === 'utf16le' || encoding === 'utf16be' ? 2 : 1;
}

/** Decodes a byte range of a buffer into a string; replacement characters stand for bytes that are not text. */
export type Decode = (buffer: Buffer, start: number, end: number) => string;

export function decoderFor(encoding: TextEncoding): Decode {
  if (encoding === 'win1252') return decodeWin1252;
  if (encoding === 'utf16be') {
    const decoder = new TextDecoder('utf-16be', { ignoreBOM: true });
    return (buffer, start, end) => decoder.decode(buffer.subarray(start, end));
  }
  const name = encoding === 'utf16le' ? 'utf16le' : encoding === 'latin1' ? 'latin1' : 'utf8';
  return (buffer, start, end) => buffer.toString(name, start, end);
}

/**
 * Turns bytes of `encoding` into UTF-8, keeping a character split between two calls. With `strict`, text that
 * is not valid UTF-16 (a lone surrogate, an odd byte at the end) fails the file; otherwise it is replaced.
 */
export type Transcode = (bytes: Uint8Array, final: boolean) => Uint8Array;

export function utf8Transcoder(encoding: TextEncoding, options: { path: string; strict: boolean }): Transcode {
  if (encoding === 'utf8') return (bytes) => bytes;
  if (encoding === 'latin1') return (bytes) => Buffer.from(asBuffer(bytes).toString('latin1'), 'utf8');
  if (encoding === 'win1252') return (bytes) => Buffer.from(decodeWin1252(asBuffer(bytes), 0, bytes.length), 'utf8');
  const label = encoding === 'utf16le' ? 'utf-16le' : 'utf-16be';
  const decoder = new TextDecoder(label, { fatal: options.strict, ignoreBOM: true });
  return (bytes, final) => {
    try {
      return Buffer.from(decoder.decode(bytes, { stream: !final }), 'utf8');
    } catch (error) {
      throw new FileDecodeError(`not valid ${label.toUpperCase()} text`, { file: options.path, cause: error });
    }
  };
}

/** The bytes as a Buffer, without copying them. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
