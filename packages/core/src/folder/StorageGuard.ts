import { randomUUID } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import { ensureDirectory, isStorageUnwritable, writeFileDurably } from '../durable.js';

/** The folders a folder source writes to. */
export type StorageArea = 'state' | 'archive' | 'quarantine';

export interface StorageGuardOptions {
  clock: Clock;
  /** First wait before probing a blocked folder again; doubled up to `maxDelayMs`. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Once per blocking: the folder stopped taking writes. */
  onBlocked(area: StorageArea, dir: string, error: unknown): void;
  /** The folder takes writes again after `blockedMs`. */
  onResumed(area: StorageArea, dir: string, blockedMs: number): void;
}

/** Size of the probe written to a blocked folder: a few pages, so "one byte fits" does not count as space back. */
const PROBE_BYTES = 64 * 1024;

/**
 * Turns "disk full" and "read-only" on the state, archive or quarantine folder from a per-file error into a state
 * of the source: new work stops (nothing more is read that could not be recorded), one event says which folder and
 * why, and the folder is probed with a small durable write, with backoff, until it takes writes again.
 */
export class StorageGuard {
  private readonly blocked = new Map<StorageArea, { dir: string; since: number }>();

  constructor(private readonly options: StorageGuardOptions) {}

  /** Notes a failed write; true when it means the folder takes no writes now (and new work is to stop). */
  noteFailure(area: StorageArea, dir: string, error: unknown): boolean {
    if (!isStorageUnwritable(error)) return false;
    if (!this.blocked.has(area)) {
      this.blocked.set(area, { dir, since: this.options.clock.now() });
      this.options.onBlocked(area, dir, error);
    }
    return true;
  }

  get isBlocked(): boolean {
    return this.blocked.size > 0;
  }

  /**
   * Probes the blocked folders, waiting with backoff between rounds, until every one takes a write again. False
   * when `signal` aborted first.
   */
  async waitUntilWritable(signal: AbortSignal): Promise<boolean> {
    const { clock, minDelayMs = 1000, maxDelayMs = 30_000 } = this.options;
    let delay = minDelayMs;
    while (this.blocked.size > 0) {
      await clock.sleep(delay, signal);
      if (signal.aborted) return false;
      for (const [area, { dir, since }] of this.blocked) {
        if (!(await probe(dir))) continue;
        this.blocked.delete(area);
        this.options.onResumed(area, dir, clock.now() - since);
      }
      delay = Math.min(maxDelayMs, delay * 2);
    }
    return true;
  }
}

async function probe(dir: string): Promise<boolean> {
  const path = join(dir, `.offloader-probe-${randomUUID().slice(0, 8)}`);
  try {
    await ensureDirectory(dir);
    await writeFileDurably(path, Buffer.alloc(PROBE_BYTES));
    return true;
  } catch {
    return false;
  } finally {
    await unlink(path).catch(() => undefined);
  }
}
