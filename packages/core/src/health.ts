import type { Code } from './codes.js';

/** Overall state shown by `/health`: `ok`, `degraded` (delivering, with trouble), or `down`. */
export type HealthStatus = 'ok' | 'degraded' | 'down';

/**
 * What the pipeline reports about itself. `live`: the process is working (not wedged) — a supervisor may
 * restart it when false. `ready`: it can deliver now (sources open, stream reachable, credentials accepted).
 * `reasons` say, in words an operator can act on, why it is not `ok`.
 */
export interface HealthReport {
  status: HealthStatus;
  live: boolean;
  ready: boolean;
  reasons: string[];
}

/**
 * One condition a plugin reports about itself for `/health`: a stream unreachable, paused or throttling.
 * Typed data, so the health check never has to read event messages.
 */
export interface HealthCondition {
  /** Stable code of the condition, e.g. `STREAM_UNREACHABLE`, `STREAM_PAUSED`, `THROTTLING_STARTED`. */
  code: Code;
  /** What it concerns, e.g. the stream name. */
  subject: string;
  /** ISO-8601 time the condition started. */
  since: string;
  /** True while the plugin cannot deliver to `subject` (the pipeline is not ready). */
  blocking: boolean;
  /** In words an operator can act on. */
  message: string;
}
