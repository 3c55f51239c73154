import type { DependencyContainer } from 'tsyringe';
import type { HealthCondition } from './health.js';
import type { BatchAck, OffloadRecord, RecordOutcome } from './record.js';
import type { OptionsProblem } from './registry.js';

/**
 * A batch of records a source offers to the pipeline.
 *
 * The runner calls `ack` exactly once, after every record of the batch has a final outcome. Batches may be
 * acknowledged out of order (several writes are in flight); a source that checkpoints must only commit the
 * contiguous acknowledged prefix.
 */
export interface SourceBatch {
  records: OffloadRecord[];
  ack(result: BatchAck): void | Promise<void>;
}

/**
 * Produces records. Lifecycle, driven only by the runner:
 * 1. `start()` once (open folders, load checkpoints);
 * 2. `read(signal)` once: yield batches; end the iterable when `signal` aborts, or — in once-mode — when
 *    everything that was present at start has been read. Do not yield more while the consumer is slow:
 *    async iteration is the backpressure.
 * 3. `ack()` on each batch as the sink settles it (may happen after `read` ended);
 * 4. `stop()` once, after every yielded batch was acknowledged or the drain timed out: commit checkpoints,
 *    release claims. Must not move, archive or delete files whose records were not all acknowledged.
 */
export interface Source {
  readonly id: string;
  start?(): Promise<void>;
  read(signal: AbortSignal): AsyncIterable<SourceBatch>;
  stop?(): Promise<void>;
  /** What is waiting, in progress and delivered, read from disk without changing anything (`offloader status`). */
  status?(): Promise<SourceStatus>;
  /** Forgets what was delivered (checkpoint, done markers) so every file present is sent again (`offloader reset`). */
  reset?(): Promise<SourceReset>;
}

/** Delivery state of one source, as `offloader status` shows it. Counts are files unless named rows. */
export interface SourceStatus {
  source: string;
  /** The folder (or file) read, absolute. */
  path: string;
  pathExists: boolean;
  /** Present, nothing acknowledged yet. */
  pending: number;
  /** Present and partly acknowledged, or claimed by a running instance. */
  inProgress: number;
  /** Delivered and kept in place (remembered as done). */
  delivered: number;
  /** Delivered and moved to the archive folder. */
  archived: number;
  quarantined: number;
  rejectedRows: number;
  /** When the checkpoint was last written (ISO time), if ever. */
  lastCheckpoint?: string;
}

export interface SourceReset {
  source: string;
  /** Files whose delivery state was forgotten (checkpoint entries and done markers). */
  forgotten: number;
}

/**
 * Changes, enriches or drops records between source and sink. Return the record (a new object or the
 * same), or `null` to drop it (it is then acknowledged as `filtered`). Throwing rejects that one record.
 */
export interface Transformer {
  start?(): Promise<void>;
  transform(record: OffloadRecord): OffloadRecord | null | Promise<OffloadRecord | null>;
  stop?(): Promise<void>;
}

/** How the runner groups records into `Sink.write` calls. */
export interface BatchingPolicy {
  /** Most records in one write. */
  maxRecords: number;
  /** Most bytes in one write, as measured by `sizeOf`. */
  maxBytes: number;
  /** How long a partial batch may wait for more records before it is written anyway. */
  lingerMs: number;
  /** Size of one record in the unit of `maxBytes` (e.g. data + partition key bytes). */
  sizeOf(record: OffloadRecord): number;
  /** Records with different keys never share a write (e.g. one stream per PutRecords). Default: route. */
  keyOf?(record: OffloadRecord): string;
}

/**
 * Delivers records. Lifecycle: `start()` once; `prepare()` per record and `write()` per batch, several writes
 * in flight up to `maxInFlight()`; `stop()` once, after every write resolved.
 */
export interface Sink {
  readonly batching: BatchingPolicy;
  start?(): Promise<void>;
  /**
   * Called once per record before batching: assign the partition key, check limits. Throw a
   * `RecordRejectedError` to reject the record (it is quarantined, never sent).
   */
  prepare?(record: OffloadRecord): void;
  /**
   * `write()` reads `record.data` and never `record.value`: the runner then lets go of `value` once the bytes are
   * made, so a record waiting for its write holds its bytes alone (about half of what it held with both).
   */
  readonly writesDataOnly?: boolean;
  /**
   * Deliver `records` (all with the same batching key). Resolve with exactly one outcome per record, in the
   * same order. Retry transient failures inside; never report `delivered` for a record that was not written.
   */
  write(records: OffloadRecord[], signal: AbortSignal): Promise<RecordOutcome[]>;
  /** Writes allowed in flight now; may change over time (e.g. lowered while throttled). */
  maxInFlight(): number;
  /** Conditions the sink is in now (streams unreachable, paused, throttling), for `/health`. */
  health?(): readonly HealthCondition[];
  stop?(): Promise<void>;
}

export type PluginKind = 'source' | 'transformer' | 'sink';

export type PluginInstance<K extends PluginKind> = K extends 'source'
  ? Source
  : K extends 'transformer'
    ? Transformer
    : Sink;

/** What a plugin factory receives besides its validated options. */
export interface PluginContext {
  /** Child container of this pipeline: resolve core services with the tokens in `Tokens`. */
  container: DependencyContainer;
  /** Instance id (`sources[i].id`, or `<type>-<i>`); use it in events and metrics. */
  id: string;
  /** Folder of the pipeline file: resolve relative paths in options against it. */
  baseDir: string;
  /** Folder for this plugin's persistent state (checkpoints), created on demand. */
  stateDir: string;
  /** Run flags: `once` (process what is there and end), `dryRun` (send nothing, move no input file). */
  mode: { once: boolean; dryRun: boolean };
}

/**
 * What a plugin package exports: one definition per plugin. `optionsSchema` is a JSON Schema (draft-07)
 * with `description`, `default` and `examples` per field: it validates YAML options, fills defaults, and
 * documents the plugin in `offloader plugins` and the generated YAML reference.
 */
export interface PluginDefinition<K extends PluginKind = PluginKind, O = unknown> {
  kind: K;
  /** Name used as `type:` in YAML, lower-kebab-case. */
  type: string;
  description: string;
  optionsSchema: Record<string, unknown>;
  /**
   * Checks what the schema cannot (relations between options, URLs, a source folder that does not exist) on the
   * validated options, without creating anything; `validate` and the start of a run report each problem at its
   * option's line (exit 2). Pointers are relative to `options`.
   */
  checkOptions?(options: O, context: { baseDir: string }): OptionsProblem[] | Promise<OptionsProblem[]>;
  /** Sources: every route their records can carry, so `validate` can check that the sink has a place for each. */
  routesOf?(options: O): string[];
  /** Sinks: problems with the routes the sources produce (a route with nowhere to go). */
  checkRoutes?(options: O, routes: readonly RouteOrigin[]): OptionsProblem[];
  create(options: O, context: PluginContext): PluginInstance<K> | Promise<PluginInstance<K>>;
}

/** A route a source can produce, and the id of that source. */
export interface RouteOrigin {
  route: string;
  source: string;
}

/** Type helper for plugin authors: keeps `create`'s options typed. */
export function definePlugin<K extends PluginKind, O>(definition: PluginDefinition<K, O>): PluginDefinition<K, O> {
  return definition;
}
