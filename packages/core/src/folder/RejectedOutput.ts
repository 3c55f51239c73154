import { appendFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ensureDirectory, syncDirectory, syncFile } from '../durable.js';
import { OffloaderError } from '../errors.js';
import type { BatchAck, OffloadRecord } from '../record.js';
import type { FileRun } from './FileRun.js';
import { fitName } from './fileNames.js';
import type { DecodedRowError, FolderFile } from './types.js';

/** One rejected row: a row error of the decoder, or a record the sink rejected. */
export interface RejectedRow {
  line: number;
  field?: string;
  code: string;
  reason: string;
  /** `decoder` (could not become a record) or `sink` (record refused by the sink). */
  stage: 'decoder' | 'sink';
  raw: string;
}

interface Pending {
  file: FolderFile;
  rows: RejectedRow[];
}

const FLUSH_ROWS = 256;

/**
 * Writes rejected rows beside the quarantined files: `<quarantine>/<kind dir>/<file>.rejected.csv` holds the
 * raw rows (UTF-8, one per line, as read), and `<file>.rejected.jsonl` one JSON line per row with
 * `{line, field, code, reason, stage}` in the same order. Rows are buffered and appended in blocks; writes of
 * one file are serialised. A durable flush also fsyncs what was appended (and new directory entries): it runs
 * before a checkpoint that vouches for the rows and before the source file is archived or deleted, not per block.
 * In dry-run nothing is written.
 */
export class RejectedOutput {
  private readonly pending = new Map<string, Pending>();
  /** Files whose rows could not be written (disk full, read-only): they must not be finished or checkpointed. */
  private readonly failures = new Map<string, unknown>();
  /** Highest decoder-row line of each file known to be on disk, for the checkpoint. */
  private readonly written = new Map<string, number>();
  /** Output files appended to since their last fsync, per source file. */
  private readonly unsynced = new Map<string, Set<string>>();
  /** Directories that gained entries (new folders, new output files) since they were last synced. */
  private readonly unsyncedDirs = new Set<string>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly quarantinePath: string,
    private readonly write: boolean,
    private readonly onError: (error: unknown) => void,
  ) {}

  add(file: FolderFile, row: RejectedRow): void {
    let pending = this.pending.get(file.relPath);
    if (!pending) {
      pending = { file, rows: [] };
      this.pending.set(file.relPath, pending);
    }
    pending.rows.push(row);
    if (pending.rows.length >= FLUSH_ROWS) void this.flush(file.relPath);
  }

  /** Notes a row the decoder could not turn into a record; returns 1 when it counts as newly rejected. */
  rejectRow(run: FileRun, item: DecodedRowError): number {
    if (item.line <= run.rejectedBefore) return 0;
    const { error } = item;
    run.noteRowError(
      `line ${item.line}${error.field ? ` field ${error.field}` : ''}: ${error.message}`,
      item.endLine ?? item.line,
    );
    this.add(run.file, {
      line: item.line,
      field: error.field,
      code: error.code,
      reason: error.message,
      stage: 'decoder',
      raw: item.raw,
    });
    return 1;
  }

  /** Notes the records of a batch that the sink rejected. */
  rejectDelivered(run: FileRun, records: OffloadRecord[], raws: (string | undefined)[] | undefined, result: BatchAck) {
    result.outcomes.forEach((outcome, i) => {
      if (outcome.status !== 'rejected') return;
      const record = records[i];
      const line = record.origin.line ?? 0;
      const code = outcome.error instanceof OffloaderError ? outcome.error.code : 'RECORD_INVALID';
      run.noteSinkReject(`line ${line}: ${outcome.error.message}`);
      this.add(run.file, {
        line,
        code,
        reason: outcome.error.message,
        stage: 'sink',
        raw: raws?.[i] ?? textOf(record),
      });
    });
  }

  /** Paths of the two output files of `file`. */
  pathsOf(file: FolderFile): { rows: string; reasons: string } {
    const dir = file.kindDir ? join(this.quarantinePath, ...file.kindDir.split('/')) : this.quarantinePath;
    // One stem for both, fitted to the longer suffix, so the two outputs of a file stay side by side.
    const longest = fitName(file.name, '.rejected.jsonl');
    const stem = longest.slice(0, -'.rejected.jsonl'.length);
    return { rows: join(dir, `${stem}.rejected.csv`), reasons: join(dir, `${stem}.rejected.jsonl`) };
  }

  /**
   * Appends the buffered rows of one file (or of every file). Rejects while a write of those files has failed:
   * the caller must then keep the file (and its checkpoint) where it is, so no rejected row is ever lost.
   */
  async flush(relPath?: string, options: { durable?: boolean } = {}): Promise<void> {
    const keys = relPath === undefined ? [...this.pending.keys()] : [relPath];
    for (const key of keys) {
      const pending = this.pending.get(key);
      if (!pending || pending.rows.length === 0) continue;
      const rows = pending.rows;
      pending.rows = [];
      if (!this.write) continue;
      this.chain = this.chain
        .then(() => this.append(pending.file, rows))
        .catch((error) => {
          this.failures.set(key, error);
          this.onError(error);
        });
    }
    if (options.durable && this.write) {
      this.chain = this.chain.then(() => this.sync(relPath)).catch((error) => this.onError(error));
    }
    await this.chain;
    const failed = relPath === undefined ? this.failures.values().next().value : this.failures.get(relPath);
    if (failed !== undefined) throw failed;
  }

  /** Fsyncs the output appended to since the last sync (of one file, or of all), then the directories that changed. */
  private async sync(relPath?: string): Promise<void> {
    const keys = relPath === undefined ? [...this.unsynced.keys()] : [relPath];
    for (const key of keys) {
      const paths = this.unsynced.get(key);
      if (!paths) continue;
      try {
        for (const path of paths) await syncFile(path);
        this.unsynced.delete(key);
      } catch (error) {
        // Not on disk for sure: the file keeps its rows pending, as when the append itself failed.
        this.failures.set(key, error);
        throw error;
      }
    }
    for (const dir of [...this.unsyncedDirs].sort((a, b) => b.length - a.length)) {
      await syncDirectory(dir);
      this.unsyncedDirs.delete(dir);
    }
  }

  /** A new pass over `relPath` writes its rejected rows again; forget the old failure. */
  retry(relPath: string): boolean {
    this.written.delete(relPath);
    return this.failures.delete(relPath);
  }

  private async append(file: FolderFile, rows: RejectedRow[]): Promise<void> {
    const paths = this.pathsOf(file);
    const dir = dirname(paths.rows);
    const created = await ensureDirectory(dir);
    // Each folder mkdir created is a new entry in its parent, which must reach the disk too.
    if (created) {
      for (let at = dir; at.length >= created.length; at = dirname(at)) this.unsyncedDirs.add(dirname(at));
    }
    let raw = '';
    let reasons = '';
    for (const row of rows) {
      raw += `${row.raw}\n`;
      reasons += `${JSON.stringify({ line: row.line, field: row.field, code: row.code, reason: row.reason, stage: row.stage })}\n`;
    }
    await appendFile(paths.rows, raw);
    await appendFile(paths.reasons, reasons);
    let unsynced = this.unsynced.get(file.relPath);
    if (!unsynced) {
      unsynced = new Set();
      this.unsynced.set(file.relPath, unsynced);
    }
    unsynced.add(paths.rows);
    unsynced.add(paths.reasons);
    // The output files may be new entries of their folder (cheaper to sync it than to find out).
    this.unsyncedDirs.add(dir);
    for (const row of rows) {
      if (row.stage === 'decoder' && row.line > (this.written.get(file.relPath) ?? 0))
        this.written.set(file.relPath, row.line);
    }
  }

  /** A pass over `relPath` begins; rows through `writtenBefore` are on disk from earlier passes. */
  startPass(relPath: string, writtenBefore: number): void {
    this.written.set(relPath, writtenBefore);
  }

  /** The write of this file's rows failed and was not retried yet. */
  hasFailed(relPath: string): boolean {
    return this.failures.has(relPath);
  }

  /** Highest decoder-row line of `relPath` written in this process, if any. */
  writtenThrough(relPath: string): number | undefined {
    return this.written.get(relPath);
  }
}

/** A record as text for the quarantine: its JSON, or its bytes once a data-only sink let go of the JSON. */
function textOf(record: OffloadRecord): string {
  if (record.value === undefined && record.data !== undefined) return new TextDecoder().decode(record.data);
  return JSON.stringify(record.value ?? null);
}
