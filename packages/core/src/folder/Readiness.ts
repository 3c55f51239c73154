import { open } from 'node:fs/promises';
import type { CompleteRule, FolderFile } from './types.js';

interface Observation {
  size: number;
  mtimeMs: number;
  /** When this (size, mtime) pair was first seen. */
  since: number;
}

/**
 * Decides when a file is complete. In `stable` mode a file is ready once its size and mtime have not changed
 * for `settleMs` — judged by its mtime age or, when clocks disagree (shares), by our own observations — and it
 * opens for reading (on Windows a file still being written fails a shared-read open). In `rename` mode a
 * matching name is enough, plus the open check.
 */
export class Readiness {
  private readonly observations = new Map<string, Observation>();

  constructor(private readonly rule: CompleteRule) {}

  /** Milliseconds until the file may be ready (0 = check now), updating what was observed. */
  waitFor(file: FolderFile, now: number): number {
    if (this.rule.mode === 'rename') return 0;
    const settleMs = this.rule.settleMs;
    let seen = this.observations.get(file.relPath);
    if (!seen || seen.size !== file.size || seen.mtimeMs !== file.mtimeMs) {
      seen = { size: file.size, mtimeMs: file.mtimeMs, since: now };
      this.observations.set(file.relPath, seen);
    }
    const quietFor = Math.max(now - seen.since, now - file.mtimeMs);
    return Math.max(0, settleMs - quietFor);
  }

  /**
   * True when the file settled and can be opened for reading. A permission error is thrown: it is not a writer
   * still holding the file, and waiting for it to settle would wait forever.
   */
  async isReady(file: FolderFile, now: number): Promise<boolean> {
    if (this.waitFor(file, now) > 0) return false;
    try {
      const handle = await open(file.path, 'r');
      await handle.close();
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') throw error;
      return false;
    }
  }

  /** Drops what is known about files no longer listed. */
  retain(present: ReadonlySet<string>): void {
    for (const key of this.observations.keys()) if (!present.has(key)) this.observations.delete(key);
  }
}
