import { type ErrorCode, FileDecodeError, RowError } from '@offloader/core';

/** Event codes this source emits itself, besides the folder source's own (`FILE_QUARANTINED`, `ROW_INVALID`, ...). */
export const CustomEventCodes = {
  /** The file names a stream that is not in `allowedStreams`; the file is quarantined whole. */
  streamNotAllowed: 'STREAM_NOT_ALLOWED',
  /** The file holds nothing (0 bytes, only whitespace, or an empty `Records` array); it is archived/deleted. */
  fileEmpty: 'FILE_EMPTY',
} as const;

/** Where a record sits in its file, for messages: `record 12 (line 40)` or `line 40`. */
export interface RecordPosition {
  /** 1-based text line where the record starts. */
  line: number;
  /** 1-based position in `Records` (JSON documents only). */
  ordinal?: number;
}

/**
 * The position words of a message. The folder source already prefixes `line <n>` (its position counter, which
 * for JSON documents is the record number) and the field, so only a JSON document's own coordinates are added.
 */
export function describePosition(position: RecordPosition): string {
  return position.ordinal === undefined ? '' : `Records[${position.ordinal - 1}] at line ${position.line}: `;
}

/**
 * A record of a custom file that cannot be sent. The error carries file, text line and field (a JSON pointer);
 * the message gives the reason, preceded for JSON documents by the array index and text line.
 */
export function recordError(
  code: ErrorCode,
  file: string,
  position: RecordPosition,
  field: string | undefined,
  reason: string,
): RowError {
  return new RowError(`${describePosition(position)}${reason}`, { code, file, line: position.line, field });
}

/**
 * The whole file cannot be used. Always carries the code `FILE_UNPARSABLE`, which the folder source treats as
 * permanent (quarantine at once, no read retries); the precise reason is in the message and, where it has its
 * own code, in a separate event.
 */
export function fileError(file: string, reason: string, line?: number, cause?: unknown): FileDecodeError {
  return new FileDecodeError(reason, { file, line, cause });
}
