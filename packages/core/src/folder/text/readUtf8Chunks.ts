import { createReadStream } from 'node:fs';
import type { TextLayout } from './encodings.js';
import { utf8Transcoder } from './encodings.js';

/** Large reads keep the per-chunk cost low; one chunk is the most a reader holds besides its current line. */
export const READ_CHUNK_BYTES = 1 << 18;

/**
 * The file's text as UTF-8 chunks, without its BOM, read with bounded memory from byte `start` (a resume offset;
 * never inside the BOM). UTF-8 is passed through as read; other encodings are transcoded chunk by chunk, so
 * offsets in the chunks are file offsets for UTF-8 files only. `strict` fails the file on invalid UTF-16.
 */
export async function* readUtf8Chunks(
  path: string,
  layout: Pick<TextLayout, 'encoding' | 'bomLength'>,
  options: { start?: number; strict?: boolean } = {},
): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(path, {
    start: Math.max(options.start ?? 0, layout.bomLength),
    highWaterMark: READ_CHUNK_BYTES,
  });
  const transcode = utf8Transcoder(layout.encoding, { path, strict: options.strict ?? false });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const bytes = transcode(chunk, false);
      if (bytes.length > 0) yield bytes;
    }
    const rest = transcode(Buffer.alloc(0), true);
    if (rest.length > 0) yield rest;
  } finally {
    stream.destroy();
  }
}
