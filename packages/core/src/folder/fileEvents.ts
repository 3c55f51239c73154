import type { CheckpointRecovery } from '../checkpoints.js';
import { OffloaderError } from '../errors.js';
import type { EventLog } from '../events.js';
import type { ClaimRecovery } from './ClaimRegistry.js';
import type { FileRun } from './FileRun.js';
import { CLAIMS_DIR, FileDecodeError, type FolderFile } from './types.js';

/** Event codes the folder source emits. */
export const FolderEventCodes = {
  fileQuarantined: 'FILE_QUARANTINED',
  rowInvalid: 'ROW_INVALID',
  recordRejected: 'RECORD_REJECTED',
  deliveryFailed: 'FILE_DELIVERY_FAILED',
  readRetry: 'FILE_READ_RETRY',
  fileIo: 'FILE_IO',
  fileVanished: 'FILE_VANISHED',
  /** A damaged checkpoint, claim or done marker was replaced by an earlier state; some records may be re-sent. */
  stateRecovered: 'STATE_RECOVERED',
  /** The state, archive or quarantine folder takes no writes (disk full, read-only): no new work until it does. */
  storageUnwritable: 'STORAGE_UNWRITABLE',
  storageWritable: 'STORAGE_WRITABLE',
  fileOutsideRoot: 'FILE_OUTSIDE_ROOT',
  fileKept: 'FILE_KEPT',
  fileUnreadable: 'FILE_UNREADABLE',
} as const;

/**
 * Turns what happened to a file into a few events: one per file and problem, never one per row, each naming the
 * file, the first lines and fields concerned, and the total.
 */
export class FileEvents {
  constructor(
    private readonly events: EventLog,
    private readonly source: string,
  ) {}

  /** Row errors, sink rejections and decoder notices of `run` since the last report. */
  report(run: FileRun): void {
    const file = run.file.path;
    if (run.rowErrors > 0) {
      this.events.emit({
        severity: 'warning',
        source: this.source,
        code: FolderEventCodes.rowInvalid,
        file,
        record: run.rowErrorSamples[0]?.split(':')[0],
        message: `${run.rowErrors} row(s) rejected in ${run.file.relPath}: ${summarise(run.rowErrorSamples, run.rowErrors)}`,
      });
      run.rowErrors = 0;
      run.rowErrorSamples.length = 0;
    }
    if (run.sinkRejected > 0) {
      this.events.emit({
        severity: 'warning',
        source: this.source,
        code: FolderEventCodes.recordRejected,
        file,
        record: run.sinkRejectSamples[0]?.split(':')[0],
        message: `${run.sinkRejected} record(s) of ${run.file.relPath} rejected by the sink: ${summarise(run.sinkRejectSamples, run.sinkRejected)}`,
      });
      run.sinkRejected = 0;
      run.sinkRejectSamples.length = 0;
    }
    for (const [code, { first, count }] of run.notices) {
      const where = [first.line ? `line ${first.line}` : '', first.field ? `field ${first.field}` : '']
        .filter(Boolean)
        .join(' ');
      this.events.emit({
        severity: first.severity ?? 'warning',
        source: this.source,
        code,
        file,
        record: first.line ? `line ${first.line}` : undefined,
        message: `${run.file.relPath}${where ? ` ${where}` : ''}: ${first.message}${count > 1 ? ` (${count} occurrences in this file)` : ''}`,
      });
    }
    run.notices.clear();
  }

  quarantined(run: FileRun, error: unknown, movedTo: string | undefined): void {
    const reason = error instanceof OffloaderError ? error.describe() : (error as Error).message;
    this.events.emit({
      severity: 'error',
      source: this.source,
      code: FolderEventCodes.fileQuarantined,
      file: run.file.path,
      message: `${run.file.relPath} cannot be read (${reason}); ${movedTo ? `moved to ${movedTo}` : 'left in place'}`,
    });
  }

  deliveryFailed(run: FileRun, once: boolean): void {
    this.events.emit({
      severity: 'error',
      source: this.source,
      code: FolderEventCodes.deliveryFailed,
      file: run.file.path,
      record: `line ${run.committed.line + 1}`,
      message: `${run.failedRecords} record(s) of ${run.file.relPath} not delivered; the file stays and ${
        once ? 'the next run resumes' : 'is retried'
      } after line ${run.committed.line}`,
    });
  }

  readRetry(file: FolderFile, error: unknown, attempt: number): void {
    this.events.emit({
      severity: 'warning',
      source: this.source,
      code: FolderEventCodes.readRetry,
      file: file.path,
      message: `cannot read ${file.relPath} (attempt ${attempt}): ${(error as Error).message}`,
    });
  }

  fileIoFailed(file: FolderFile, message: string): void {
    this.events.emit({
      severity: 'error',
      source: this.source,
      code: FolderEventCodes.fileIo,
      file: file.path,
      message: `${file.relPath}: ${message}`,
    });
  }

  /** The checkpoint was damaged; `inProgress` files resume from the generation used, `recordsBehind` its cadence. */
  checkpointRecovered(recovery: CheckpointRecovery, inProgress: number, recordsBehind: number): void {
    const { file, damage, used, previousDamage } = recovery;
    const message =
      used === 'previous'
        ? `checkpoint ${file} was ${damage}; resumed from its previous generation (${file}.prev): ${inProgress} file(s) in progress resume from it, so the records acknowledged after it — about ${recordsBehind} per file in progress, the checkpoint cadence — are sent again; nothing is skipped`
        : `checkpoint ${file} was ${damage} and its previous generation ${previousDamage ?? 'missing'}: every file still in the folder is read from its start, so the records already delivered from them are sent again (up to whole files); nothing is skipped`;
    this.events.emit({
      severity: 'warning',
      source: this.source,
      code: FolderEventCodes.stateRecovered,
      file,
      message,
    });
  }

  doneListRecovered(recovery: CheckpointRecovery): void {
    const { file, damage, used, previousDamage } = recovery;
    const fallback =
      used === 'previous'
        ? `its previous generation (${file}.prev) is used`
        : `its previous generation was ${previousDamage ?? 'missing'} too`;
    this.events.emit({
      severity: 'warning',
      source: this.source,
      code: FolderEventCodes.stateRecovered,
      file,
      message: `list of delivered files kept in place ${file} was ${damage}; ${fallback}. A kept file it no longer lists is still not sent again while its done marker in ${CLAIMS_DIR} holds; without one it is sent again whole; no row goes undelivered`,
    });
  }

  claimRecovered(recovery: ClaimRecovery): void {
    this.events.emit({
      severity: 'warning',
      source: this.source,
      code: FolderEventCodes.stateRecovered,
      file: recovery.file,
      message: `claim or done marker ${recovery.file} was ${recovery.damage}; taken over: its file is read again from its checkpoint (records after the checkpoint are sent again, the whole file if the checkpoint does not know it); nothing is skipped`,
    });
  }

  storageUnwritable(area: string, dir: string, error: unknown): void {
    const code = (error as NodeJS.ErrnoException).code ?? (error as { cause?: NodeJS.ErrnoException }).cause?.code;
    this.events.emit({
      severity: 'error',
      source: this.source,
      code: FolderEventCodes.storageUnwritable,
      file: dir,
      message: `the ${area} folder ${dir} takes no writes (${code ?? (error as Error).message}): no new files are read until it does; everything read so far is kept, and the folder is checked again with backoff`,
    });
  }

  storageWritable(area: string, dir: string, blockedMs: number): void {
    this.events.emit({
      severity: 'info',
      source: this.source,
      code: FolderEventCodes.storageWritable,
      file: dir,
      message: `the ${area} folder ${dir} takes writes again after ${(blockedMs / 1000).toFixed(0)} s: reading resumes`,
    });
  }

  /** The file is a link to `target`, outside the watched folder; returns the error that quarantines the link. */
  outsideRoot(file: FolderFile, target: string): FileDecodeError {
    const message = `${file.relPath} resolves to ${target}, outside the watched folder; it is not read`;
    this.events.emit({
      severity: 'error',
      source: this.source,
      code: FolderEventCodes.fileOutsideRoot,
      file: file.path,
      message,
    });
    return new FileDecodeError(message, { file: file.path });
  }

  /** Delivered, but a rejected row's text exists only in the file: kept in quarantine instead of deleted. */
  keptWhole(file: FolderFile, movedTo: string): void {
    this.events.emit({
      severity: 'warning',
      source: this.source,
      code: FolderEventCodes.fileKept,
      file: file.path,
      message: `${file.relPath}: a rejected row was too large to copy to the rejected output; the file is kept in ${movedTo} instead of deleted`,
    });
  }

  /** The file cannot be opened or claimed now (permissions); it stays and is tried again. */
  unreadable(file: FolderFile, error: unknown, retryMs: number): void {
    const reason = (error as Error).message;
    this.events.emit({
      severity: 'error',
      source: this.source,
      code: FolderEventCodes.fileUnreadable,
      file: file.path,
      message: `${file.relPath} cannot be opened (${reason}); skipped, retried every ${Math.round(retryMs / 1000)} s until it can be read`,
    });
  }

  vanished(file: FolderFile): void {
    this.events.emit({
      severity: 'warning',
      source: this.source,
      code: FolderEventCodes.fileVanished,
      file: file.path,
      message: `${file.relPath} disappeared while it was read (deleted by DataMiner's disk cap or by hand, or renamed; a new name is archived, deleted or kept when a scan finds it)`,
    });
  }
}

function summarise(samples: string[], total: number): string {
  const more = total - samples.length;
  return `${samples.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}
