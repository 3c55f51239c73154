import type { Code, DecodeContext, DecodedItem, FileDecoder, FolderFile } from '@offloader/core';
import { sniffText } from '@offloader/core';
import { CustomEventCodes, fileError } from './errors.js';
import type { FileFormat } from './options.js';
import { notAllowed, type RecordConverter } from './RecordConverter.js';
import { type ReaderInput, readDocument, readJsonLines } from './readers.js';

/** Entry text read at most per record, as a multiple of `maxRecordBytes` (base64, escapes and layout inflate it). */
export const TEXT_BYTES_PER_RECORD_BYTE = 8;
const TEXT_BYTES_SLACK = 64 * 1024;

export interface CustomFileDecoderOptions {
  format: FileFormat;
  converter: RecordConverter;
  maxRecordBytes: number;
  allowedStreams: readonly string[];
  /** Route of every record; a stream named by the file is carried beside it. */
  route: string;
  /** Emits an event with its own code for a file-level problem (the file is then quarantined). */
  report(file: FolderFile, code: Code, message: string): void;
}

/**
 * The {@link FileDecoder} of custom offload files: picks the reader by format (JSON document or JSON Lines),
 * decodes UTF-8 (BOM optional) and UTF-16 with a BOM, and turns every entry into a record with the exact payload bytes, or a row error.
 */
export class CustomFileDecoder implements FileDecoder {
  private readonly maxTextBytes: number;

  constructor(private readonly options: CustomFileDecoderOptions) {
    this.maxTextBytes = options.maxRecordBytes * TEXT_BYTES_PER_RECORD_BYTE + TEXT_BYTES_SLACK;
  }

  async *decode(context: DecodeContext): AsyncIterable<readonly DecodedItem[]> {
    const { file } = context;
    const layout = await sniffText(file.path);
    if (layout.looksBinary) {
      throw fileError(
        file.path,
        'holds NUL bytes: UTF-16 without a byte-order mark, or not text at all; write UTF-8 (BOM optional) or UTF-16 with a BOM',
      );
    }
    const input: ReaderInput = {
      context,
      layout,
      converter: this.options.converter,
      route: this.options.route,
      maxTextBytes: this.maxTextBytes,
      refuseStream: (stream, where) => this.refuseStream(file, stream, where),
    };
    yield* this.isJsonLines(file) ? readJsonLines(input) : readDocument(input);
  }

  private isJsonLines(file: FolderFile): boolean {
    if (this.options.format !== 'auto') return this.options.format === 'jsonl';
    return /\.(jsonl|ndjson)$/i.test(file.name);
  }

  private refuseStream(file: FolderFile, stream: string, where: string): Error {
    const allowed = this.options.allowedStreams;
    const detail = `${where}: ${notAllowed(stream)} (${
      allowed.length === 0
        ? 'allowedStreams is empty, so files must not name a stream'
        : `allowed: ${allowed.join(', ')}`
    }); the whole file is quarantined`;
    this.options.report(file, CustomEventCodes.streamNotAllowed, `${file.relPath} ${detail}`);
    return fileError(file.path, detail);
  }
}
