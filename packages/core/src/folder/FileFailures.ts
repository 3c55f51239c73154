import { OffloaderError } from '../errors.js';
import { Metric } from '../metrics.js';
import type { ClaimRegistry } from './ClaimRegistry.js';
import type { Disposal } from './Disposal.js';
import type { FileRun } from './FileRun.js';
import type { FileSchedule } from './FileSchedule.js';
import type { FolderCheckpoints } from './FolderCheckpoints.js';
import type { FileEvents } from './fileEvents.js';
import type { RejectedOutput } from './RejectedOutput.js';
import { FileDecodeError, type FolderFile, type FolderServices } from './types.js';

/**
 * What happens to a file that could not be read or delivered: tried again later (with one event while the problem
 * lasts), or, once its attempts are used up or its content cannot be decoded, moved to quarantine.
 */
export class FileFailures {
  constructor(
    private readonly deps: {
      claims: ClaimRegistry;
      checkpoints: FolderCheckpoints;
      events: FileEvents;
      rejected: RejectedOutput;
      disposal: Disposal;
      schedule: FileSchedule;
      services: FolderServices;
      labels: { source: string };
      once: boolean;
      retryDelayMs: number;
      maxFileAttempts: number;
      /** The file is no longer in progress. */
      ended: (file: FolderFile) => void;
    },
  ) {}

  /** Records of the file failed (or its rejected rows could not be written): the file stays, to be sent again. */
  async keepForRetry(run: FileRun, recordsFailed = true): Promise<void> {
    const { file } = run;
    const { schedule, events, checkpoints, claims } = this.deps;
    if (recordsFailed && schedule.failing.raise(file.relPath)) events.deliveryFailed(run, this.deps.once);
    await checkpoints.flush();
    if (this.deps.once) {
      await claims.release(file.relPath);
      return;
    }
    schedule.retryLater(file.relPath);
  }

  /** A problem of this one file before it is read (no permission, its claim cannot be written): try again later. */
  skipForNow(file: FolderFile, error: unknown): void {
    const { schedule } = this.deps;
    if (schedule.unreadable.raise(file.relPath)) this.deps.events.unreadable(file, error, this.deps.retryDelayMs);
    schedule.retryLater(file.relPath);
    if (this.deps.once) schedule.passOver(file.relPath);
  }

  /** Reading the file failed: a vanished file is forgotten, others are read again or quarantined. */
  async onFileError(run: FileRun, error: unknown): Promise<void> {
    const { file } = run;
    const { schedule, events, checkpoints } = this.deps;
    const code = (error as NodeJS.ErrnoException).code;
    try {
      if (code === 'ENOENT') {
        events.vanished(file);
        checkpoints.remove(file.relPath);
        return;
      }
      const attempts = schedule.nextAttempt(file.relPath);
      // A decode error is about the content: reading it again gives the same answer, so quarantine at once.
      const permanent =
        error instanceof FileDecodeError || (error instanceof OffloaderError && error.code === 'FILE_UNPARSABLE');
      if (!permanent && attempts < this.deps.maxFileAttempts) {
        events.readRetry(file, error, attempts);
        schedule.retryLater(file.relPath);
        return;
      }
      await this.quarantine(run, error);
    } finally {
      this.deps.ended(file);
      if (this.deps.once || !schedule.isWaiting(file.relPath)) await this.deps.claims.release(file.relPath);
    }
  }

  private async quarantine(run: FileRun, error: unknown): Promise<void> {
    const { file } = run;
    const { rejected, checkpoints } = this.deps;
    const movedTo = await this.deps.disposal.quarantine(file);
    this.deps.schedule.settled(file.relPath);
    this.deps.services.metrics.add(Metric.filesQuarantined, this.deps.labels);
    this.deps.events.quarantined(run, error, movedTo);
    // The whole file is in quarantine (or still in place), so a failed write of its rejected rows loses nothing.
    await rejected.flush(file.relPath).catch(() => rejected.retry(file.relPath));
    await checkpoints.flush();
  }
}
