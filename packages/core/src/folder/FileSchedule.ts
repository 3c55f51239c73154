import { ReportedOnce } from './ReportedOnce.js';

/**
 * When this instance may try each file next: retry times after a failure, read attempts of a file that keeps
 * failing, once-mode passes that are over, and the per-file conditions reported once per episode.
 */
export class FileSchedule {
  private readonly retryAt = new Map<string, number>();
  private readonly attempts = new Map<string, number>();
  /** Once-mode: files whose pass is over (or that another instance holds). */
  private readonly handled = new Set<string>();
  /** Files that cannot be opened or claimed: reported once per episode. */
  readonly unreadable = new ReportedOnce();
  /** Files whose records fail: reported once per episode. */
  readonly failing = new ReportedOnce();

  constructor(
    private readonly once: boolean,
    private readonly retryDelayMs: number,
    private readonly now: () => number,
  ) {}

  /** Not before `retryDelayMs` from now. */
  retryLater(relPath: string): void {
    this.retryAt.set(relPath, this.now() + this.retryDelayMs);
  }

  /** A read of the file starts: no retry is pending any more. */
  started(relPath: string): void {
    this.retryAt.delete(relPath);
  }

  isWaiting(relPath: string): boolean {
    return this.retryAt.has(relPath);
  }

  isDue(relPath: string, now: number): boolean {
    return !this.handled.has(relPath) && (this.retryAt.get(relPath) ?? 0) <= now;
  }

  /** Once-mode: this instance does not come back to the file in this run. */
  passOver(relPath: string): void {
    this.handled.add(relPath);
  }

  /** Once-mode: a read ended; the file's pass is over unless a retry is pending. */
  readEnded(relPath: string): void {
    if (this.once && !this.retryAt.has(relPath)) this.handled.add(relPath);
  }

  isPassOver(relPath: string): boolean {
    return this.handled.has(relPath);
  }

  /** Counts one more failed read of the file and returns the count. */
  nextAttempt(relPath: string): number {
    const attempts = (this.attempts.get(relPath) ?? 0) + 1;
    this.attempts.set(relPath, attempts);
    return attempts;
  }

  /** The file is done with (delivered or quarantined): its failures are forgotten. */
  settled(relPath: string): void {
    this.attempts.delete(relPath);
    this.failing.clear(relPath);
  }

  /** Forgets the conditions of files no longer listed. */
  retain(present: ReadonlySet<string>): void {
    this.unreadable.retain(present);
    this.failing.retain(present);
  }
}
