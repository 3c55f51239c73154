import type { CheckpointStore } from '../checkpoints.js';
import type { Clock } from '../clock.js';
import type { Code } from '../codes.js';
import { type ErrorCode, OffloaderError, type OffloaderErrorOptions, type RowError } from '../errors.js';
import type { EventLog, Severity } from '../events.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

/** One kind of file in the watched folder: where it lives, which names count, and where its records go. */
export interface FolderKind {
  /** Route of the records of this kind (selects the stream in the sink). */
  route: string;
  /** Folder relative to the root; `.` is the root itself. Each segment is matched case-insensitively. */
  dir: string;
  /** Name patterns (`*`, `?`) of the files to read, matched case-insensitively. Default `*.csv`. */
  include?: string[];
  /** Name patterns of files still being written or otherwise not to read. Default `*.tmp`, `*.part`, `*~`. */
  ignore?: string[];
}

/**
 * When a file is complete: `stable` = size and mtime unchanged for `settleMs` and the file opens for reading;
 * `rename` = the writer renames finished files into place, so every name that matches `include` (and not
 * `ignore`) is complete.
 */
export type CompleteRule = { mode: 'stable'; settleMs: number } | { mode: 'rename' };

/** What happens to a file once every record of it was delivered, filtered or rejected. */
export type AfterDelivery = 'archive' | 'delete' | 'keep';

/** A file found in the folder, as the decoder sees it. */
export interface FolderFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the root with `/` separators, folder names as found on disk (e.g. `Data/x.csv`). */
  relPath: string;
  /** File name. */
  name: string;
  /** Folder of the kind relative to the root as found on disk, `''` for the root. */
  kindDir: string;
  kind: FolderKind;
  size: number;
  mtimeMs: number;
  /** Device and inode (of a link's target): one file under two names is read once. 0 when unknown. */
  dev?: number;
  ino?: number;
  /** The name is a symbolic link. */
  isLink?: boolean;
}

/**
 * Where decoding resumes: after `line` (the last line already consumed, 0 = start of file) and, when the decoder
 * reported byte offsets, at byte `offset` (which is the first byte after that line).
 */
export interface ResumePoint {
  line: number;
  offset?: number;
}

/** One record produced by a decoder. */
export interface DecodedRecord {
  kind: 'record';
  /** The JSON document of the record. */
  value: unknown;
  /** 1-based first line of the row. */
  line: number;
  /** Last line of the row when it spans several lines; `line` otherwise. */
  endLine?: number;
  /** Byte offset just after the row (its line terminator included), when the decoder knows it. */
  offset?: number;
  /** The row as read, kept for the `.rejected.csv` file should the sink reject the record. */
  raw?: string;
  /** Route of this record when it differs from the kind's route. */
  route?: string;
  /** Payload bytes to send exactly as they are (instead of the JSON of `value`). */
  data?: Uint8Array;
  /** Kinesis partition key chosen by the input itself. */
  partitionKey?: string;
  /** Kinesis explicit hash key (decimal 128-bit integer as text) chosen by the input itself. */
  explicitHashKey?: string;
  /** Stream named by the input itself, already checked by the decoder against what the operator allows. */
  stream?: string;
}

/** One row a decoder could not turn into a record. It is rejected; the file goes on. */
export interface DecodedRowError {
  kind: 'error';
  /** Names file, line, field and reason. */
  error: RowError;
  line: number;
  endLine?: number;
  offset?: number;
  /** The row as read, without its line terminator. */
  raw: string;
  /**
   * The row was too large to keep (`raw` is empty): the rejected output cannot hold it, so the file itself is
   * kept — moved to the quarantine instead of deleted.
   */
  rawMissing?: boolean;
}

export type DecodedItem = DecodedRecord | DecodedRowError;

/** Something a decoder noticed once or many times in a file (e.g. an unknown enum id); one event per file and code. */
export interface DecodeNotice {
  code: Code;
  message: string;
  line?: number;
  field?: string;
  /** Default `warning`. */
  severity?: Severity;
}

/** What a decoder gets for one pass over one file. */
export interface DecodeContext {
  file: FolderFile;
  /** Continue after this point; `{ line: 0, offset: 0 }` for a fresh file. */
  resume: ResumePoint;
  signal: AbortSignal;
  /** Report a notice; the folder source folds repeats into one event per file and code. */
  notice(notice: DecodeNotice): void;
}

/**
 * Turns one file into records and row errors, streaming. `decode` yields arrays of items (typically one array
 * per input chunk, to keep the per-row cost low), in file order, starting after `context.resume`. It must read
 * with bounded memory and close the file when the iteration ends early. Throw a {@link FileDecodeError} when the
 * file cannot be read or decoded at all (it then goes to quarantine whole).
 */
export interface FileDecoder {
  decode(context: DecodeContext): AsyncIterable<readonly DecodedItem[]>;
}

/** The whole file cannot be decoded (not text, wrong format, cannot be opened). */
export class FileDecodeError extends OffloaderError {
  constructor(message: string, options: OffloaderErrorOptions & { code?: ErrorCode } = {}) {
    super(options.code ?? 'FILE_UNPARSABLE', message, options);
    this.name = 'FileDecodeError';
  }
}

/** Core services the folder source uses. */
export interface FolderServices {
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
  events: EventLog;
  checkpoints: CheckpointStore;
}

/** Settings of a {@link FolderSource}; paths may be relative to `baseDir`. */
export interface FolderSourceOptions {
  /** Source instance id: names checkpoints, claims, events and metrics. */
  sourceId: string;
  /** Folder to watch. Windows paths are accepted as written. */
  root: string;
  /** Folder relative paths are resolved against (the pipeline file's folder). Default: cwd. */
  baseDir?: string;
  kinds: FolderKind[];
  complete: CompleteRule;
  /** How long to wait between folder scans when nothing is ready. */
  pollIntervalMs: number;
  /**
   * Also scan as soon as the file system reports a change in a watched folder (`fs.watch`); polling every
   * `pollIntervalMs` stays as the fallback. Default false.
   */
  watch?: boolean;
  afterDelivery: AfterDelivery;
  /** Where delivered files go when `afterDelivery` is `archive`; the kind's folder is kept below it. */
  archivePath?: string;
  /** Where whole bad files and `.rejected.csv` files go; the kind's folder is kept below it. */
  quarantinePath: string;
  decoder: FileDecoder;
  /** Records per batch. Default 500. */
  batchSize?: number;
  /** Least time between two checkpoint writes. Default 250 ms. */
  checkpointIntervalMs?: number;
  /** A claim whose holder stopped refreshing it for this long is taken over. Default 10 min. */
  staleClaimMs?: number;
  /** Wait before a file with failed records (or a transient read error) is tried again. Default 5 s. */
  retryDelayMs?: number;
  /** Read attempts of a file that keeps failing to open or read before it is quarantined. Default 3. */
  maxFileAttempts?: number;
  mode: { once: boolean; dryRun: boolean };
  services: FolderServices;
}

export const DEFAULT_INCLUDE = ['*.csv'];
export const DEFAULT_IGNORE = ['*.tmp', '*.part', '*~'];
export const CLAIMS_DIR = '.offloader-claims';
