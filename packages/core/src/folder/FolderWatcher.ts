import { type FSWatcher, watch } from 'node:fs';
import type { Clock } from '../clock.js';

/** Scans started by notifications are at least this far apart: a file being appended to fires many events. */
export const WATCH_MIN_GAP_MS = 50;

/**
 * File-system notifications (`fs.watch`) on the folders a source reads, so a new or renamed file is seen within
 * milliseconds instead of at the next poll. Polling stays as the fallback: notifications can be lost (network
 * shares, a full inotify table), so the source still scans every `pollIntervalMs`, and a folder that cannot be
 * watched is simply polled.
 */
export class FolderWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly failed = new Set<string>();
  private changed = false;
  private lastWake = 0;
  private wake?: () => void;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    /** Told once per folder that cannot be watched (it is polled instead). */
    private readonly onUnwatchable: (dir: string, error: Error) => void,
  ) {}

  /** Watches exactly `dirs` from now on: new folders are added, folders no longer listed are let go. */
  watch(dirs: readonly string[]): void {
    if (this.closed) return;
    const wanted = new Set(dirs);
    for (const dir of this.failed) if (!wanted.has(dir)) this.failed.delete(dir);
    for (const [dir, watcher] of this.watchers) {
      if (wanted.has(dir)) continue;
      watcher.close();
      this.watchers.delete(dir);
    }
    for (const dir of wanted) {
      if (this.watchers.has(dir) || this.failed.has(dir)) continue;
      try {
        const watcher = watch(dir, { persistent: false }, () => this.notice());
        watcher.on('error', (error) => this.giveUp(dir, error));
        this.watchers.set(dir, watcher);
      } catch (error) {
        this.giveUp(dir, error as Error);
      }
    }
  }

  /** Folders currently watched (for tests and the status page). */
  get watched(): string[] {
    return [...this.watchers.keys()];
  }

  /**
   * Resolves after `ms`, or soon after a notification (at most one wake per {@link WATCH_MIN_GAP_MS}), or when
   * `signal` aborts. A notification that came while the caller was busy scanning ends the next wait at once.
   */
  async wait(ms: number, signal: AbortSignal): Promise<void> {
    if (!this.changed) {
      const woken = new AbortController();
      const onAbort = () => woken.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.wake = onAbort;
      try {
        await this.clock.sleep(ms, woken.signal);
      } finally {
        this.wake = undefined;
        signal.removeEventListener('abort', onAbort);
      }
    }
    if (!this.changed || signal.aborted) return;
    this.changed = false;
    const gap = this.lastWake + WATCH_MIN_GAP_MS - this.clock.now();
    if (gap > 0) await this.clock.sleep(gap, signal);
    this.lastWake = this.clock.now();
  }

  close(): void {
    this.closed = true;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    this.wake?.();
  }

  private notice(): void {
    this.changed = true;
    this.wake?.();
  }

  private giveUp(dir: string, error: Error): void {
    this.watchers.get(dir)?.close();
    this.watchers.delete(dir);
    // Remembered, so a folder that cannot be watched is not retried (and reported) after every scan.
    this.failed.add(dir);
    this.onUnwatchable(dir, error);
  }
}
