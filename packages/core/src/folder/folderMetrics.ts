import { Metric, type Metrics } from '../metrics.js';
import type { FolderFile } from './types.js';

/** Per-scan metrics of a folder source: files seen for the first time, and the backlog of files not done. */
export class FolderMetrics {
  private readonly seen = new Set<string>();

  constructor(
    private readonly metrics: Metrics,
    private readonly labels: { source: string },
  ) {}

  observe(
    files: readonly FolderFile[],
    present: ReadonlySet<string>,
    isDone: (file: FolderFile) => boolean,
    now: number,
  ) {
    for (const file of files) {
      if (this.seen.has(file.relPath)) continue;
      this.seen.add(file.relPath);
      this.metrics.add(Metric.filesSeen, this.labels);
    }
    for (const key of this.seen) if (!present.has(key)) this.seen.delete(key);
    const backlog = measureBacklog(
      files.filter((file) => !isDone(file)),
      now,
    );
    this.metrics.set(Metric.backlogFiles, this.labels, backlog.files);
    this.metrics.set(Metric.backlogBytes, this.labels, backlog.bytes);
    this.metrics.set(Metric.oldestFileAgeSeconds, this.labels, backlog.oldestAgeSeconds);
  }
}

/** Backlog of a scan: files not done yet, their bytes, and the age of the oldest. */
export function measureBacklog(
  files: readonly { size: number; mtimeMs: number }[],
  now: number,
): { files: number; bytes: number; oldestAgeSeconds: number } {
  let bytes = 0;
  let oldest = now;
  for (const file of files) {
    bytes += file.size;
    oldest = Math.min(oldest, file.mtimeMs);
  }
  return { files: files.length, bytes, oldestAgeSeconds: files.length ? Math.max(0, (now - oldest) / 1000) : 0 };
}
