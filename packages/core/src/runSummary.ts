import { Metric, type Metrics } from './metrics.js';

export interface SourceSummary {
  recordsIn: number;
  delivered: number;
  filtered: number;
  rejected: number;
  failed: number;
}

export interface RunSummary {
  name: string;
  startedAt: string;
  durationMs: number;
  stoppedBy: 'end-of-input' | 'signal' | 'error';
  sources: Record<string, SourceSummary>;
  /** Fatal plugin errors, already attributed (`plugin (stage): message`). */
  errors: string[];
  /** True when nothing failed: no fatal error and every record delivered, filtered or rejected. */
  ok: boolean;
}

/**
 * The end-of-run summary from the pipeline's metrics: per source what came in and how it settled. A record not
 * accounted for (in, but neither delivered, filtered, rejected nor failed) counts as failed.
 */
export async function summariseRun(
  metrics: Metrics,
  run: { name: string; sourceIds: string[]; errors: string[]; started: number; stoppedBy: RunSummary['stoppedBy'] },
): Promise<RunSummary> {
  const sources: Record<string, SourceSummary> = {};
  let failed = 0;
  for (const id of run.sourceIds) {
    const labels = { source: id };
    const row: SourceSummary = {
      recordsIn: await metrics.value(Metric.recordsIn, labels),
      delivered: await metrics.value(Metric.recordsDelivered, labels),
      filtered: await metrics.value(Metric.recordsFiltered, labels),
      rejected: await metrics.value(Metric.recordsRejected, labels),
      failed: await metrics.value(Metric.recordsFailed, labels),
    };
    failed += row.failed + (row.recordsIn - row.delivered - row.filtered - row.rejected - row.failed);
    sources[id] = row;
  }
  return {
    name: run.name,
    startedAt: new Date(run.started).toISOString(),
    durationMs: Date.now() - run.started,
    stoppedBy: run.stoppedBy,
    sources,
    errors: [...run.errors],
    ok: run.errors.length === 0 && failed === 0,
  };
}
