import type { HealthCondition, HealthReport } from './health.js';
import { Metric, type Metrics } from './metrics.js';

export interface HealthInputs {
  metrics: Metrics;
  /** Conditions the sink reports about itself (streams unreachable, paused, throttling). */
  conditions: () => readonly HealthCondition[];
  /** The runner's buffer: full while the sink cannot keep up. */
  queue: () => { buffered: number; maxBuffered: number };
  /** Aborted once the pipeline is stopping. */
  stopping: AbortSignal;
}

/**
 * The pipeline's `/health`: degraded while records fail or are throttled, not ready while a blocking sink
 * condition holds (a stream unreachable or paused) or while stopping. Built from typed sink conditions and
 * metric values, never from event messages.
 */
export function createHealthProbe(inputs: HealthInputs): () => Promise<HealthReport> {
  let lastFailed = 0;
  let lastThrottled = 0;
  return async () => {
    const failed = await inputs.metrics.total(Metric.recordsFailed);
    const throttled = await inputs.metrics.total(Metric.recordsThrottled);
    const reasons: string[] = [];
    if (failed > lastFailed)
      reasons.push(`${failed - lastFailed} record(s) not delivered since the last check (see /events)`);
    if (throttled > lastThrottled)
      reasons.push(`${throttled - lastThrottled} record(s) throttled since the last check`);
    if (inputs.stopping.aborted) reasons.push('stopping: draining in-flight records');
    lastFailed = failed;
    lastThrottled = throttled;
    const blocking = inputs.conditions().filter((condition) => condition.blocking);
    for (const condition of blocking) reasons.push(`${condition.message} (since ${condition.since})`);
    const queue = inputs.queue();
    if (queue.buffered >= queue.maxBuffered && blocking.length === 0) {
      reasons.push(`buffer full (${queue.buffered} records): the sink is the bottleneck`);
    }
    const ready = !inputs.stopping.aborted && blocking.length === 0;
    return { status: reasons.length ? 'degraded' : 'ok', live: true, ready, reasons };
  };
}
