import { gzipSync } from 'node:zlib';
import {
  type BatchingPolicy,
  DeliveryError,
  type EventLog,
  type HealthCondition,
  inject,
  injectable,
  Metric,
  type Metrics,
  type OffloadRecord,
  PluginError,
  payloadOf,
  type RecordOutcome,
  RecordRejectedError,
  type RunMode,
  type Sink,
  Tokens,
} from '@offloader/core';
import type { AimdConcurrency } from './aimd.js';
import type { KinesisConnection } from './connection.js';
import { KplAggregator } from './kpl.js';
import {
  type EffectiveLimits,
  explicitHashKeyProblem,
  KinesisLimits,
  partitionKeyProblem,
  recordBytes,
  recordSizeProblem,
  utf8Bytes,
} from './limits.js';
import type { KinesisSinkOptions } from './options.js';
import type { EntryResult, PutEntry } from './PutRecordsWriter.js';
import { compilePartitionKey, type PartitionKeyFunction } from './partitionKeys.js';
import { StreamHealth } from './streamHealth.js';
import { KinesisTokens } from './tokens.js';

/** Metric of user records inside KPL aggregates (records_put_total counts Kinesis records, like CloudWatch). */
export const USER_RECORDS_PUT = 'user_records_put_total';

/** A Kinesis entry and the positions of the user records it carries in the write. */
interface PlannedEntry extends PutEntry {
  members: number[];
}

/**
 * The `kinesis` sink: routes records to streams, assigns partition keys, enforces the Kinesis limits before
 * anything is sent, and delivers with PutRecords through {@link PutRecordsWriter}.
 */
@injectable()
export class KinesisSink implements Sink {
  readonly batching: BatchingPolicy;
  /** Sends `data` only; with gzip the bytes are no longer the JSON, so the JSON stays for the quarantine. */
  readonly writesDataOnly: boolean;
  private readonly partitionKeyOf: PartitionKeyFunction;
  private readonly dryRun: boolean;

  constructor(
    @inject(Tokens.PluginOptions) private readonly options: KinesisSinkOptions,
    @inject(Tokens.PluginId) private readonly id: string,
    @inject(Tokens.RunMode) mode: RunMode,
    @inject(Tokens.Metrics) private readonly metrics: Metrics,
    @inject(Tokens.Events) private readonly events: EventLog,
    @inject(KinesisTokens.Limits) private readonly limits: EffectiveLimits,
    @inject(KinesisTokens.Concurrency) private readonly concurrency: AimdConcurrency,
    @inject(StreamHealth) private readonly streamHealth: StreamHealth,
    @inject(KinesisTokens.Connection) private readonly connection: KinesisConnection,
  ) {
    this.dryRun = mode.dryRun;
    this.writesDataOnly = options.compression !== 'gzip';
    if (options.aggregation === 'none' && options.maxBatchRecords > KinesisLimits.maxRecordsPerRequest) {
      throw new PluginError(
        'PLUGIN_OPTIONS_INVALID',
        `kinesis sink ${id}: maxBatchRecords ${options.maxBatchRecords} is more than the ` +
          `${KinesisLimits.maxRecordsPerRequest} records PutRecords takes; only aggregation: kpl packs more per write`,
        { field: 'maxBatchRecords' },
      );
    }
    this.partitionKeyOf = compilePartitionKey(options.partitionKey);
    this.batching = {
      maxRecords: options.maxBatchRecords,
      maxBytes: Math.min(options.maxBatchBytes, this.limits.maxRequestBytes),
      lingerMs: options.lingerMs,
      sizeOf: (record) => payloadOf(record).length + utf8Bytes(record.partitionKey ?? ''),
      keyOf: (record) => record.stream ?? this.streamForRoute(record.route) ?? `unmapped:${record.route}`,
    };
  }

  async start(): Promise<void> {
    await this.connection.start(this.configuredStreams());
    // Per-stream series exist from the start at 0; each shard's series once the first write lists the shards
    // (listing here would put a ListShards call in front of the first write whenever the network is down).
    this.metrics.set(Metric.concurrency, { sink: this.id }, this.concurrency.current());
    for (const stream of this.configuredStreams()) {
      this.metrics.touch(Metric.putRequests, { stream });
      this.metrics.touch(Metric.inflightRequests, { stream });
    }
  }

  private configuredStreams(): string[] {
    return [...new Set([...Object.values(this.options.streams), this.options.defaultStream])].filter(
      (name): name is string => typeof name === 'string',
    );
  }

  async stop(): Promise<void> {
    await this.connection.stop();
  }

  /**
   * Resolves the region once at creation (option, endpoint host, AWS_REGION, profile): without one every call
   * would fail, so a missing region is a configuration error before anything runs. A dry run sends nothing.
   */
  async resolveRegion(): Promise<void> {
    if (!this.dryRun) await this.connection.resolveRegion();
  }

  /** The region calls go to (after {@link resolveRegion}). */
  region(): string | undefined {
    return this.connection.region();
  }

  /** The embedded server's endpoint while `endpoint: local` runs. */
  localEndpoint(): string | undefined {
    return this.connection.localEndpoint();
  }

  /** Streams unreachable or paused (blocking) and throttling, as typed conditions for `/health`. */
  health(): HealthCondition[] {
    return this.streamHealth.conditions();
  }

  maxInFlight(): number {
    return this.concurrency.current();
  }

  /** Stream of a route: the `streams` map, else `defaultStream`; none for a dropped route. */
  streamForRoute(route: string): string | undefined {
    if (Object.hasOwn(this.options.streams, route)) return this.options.streams[route];
    return this.options.drop.includes(route) ? undefined : this.options.defaultStream;
  }

  /** The record goes nowhere on purpose: its route is dropped and it names no stream of its own. */
  private isDropped(record: OffloadRecord): boolean {
    return record.stream === undefined && this.options.drop.includes(record.route);
  }

  prepare(record: OffloadRecord): void {
    const where = { file: record.origin.file, line: record.origin.line };
    if (this.isDropped(record)) return;
    const stream = record.stream ?? this.streamForRoute(record.route);
    if (!stream) {
      throw this.reject(
        'ROUTE_UNMAPPED',
        `route "${record.route}" has no stream in the kinesis sink's streams map and no defaultStream is set`,
        record,
        { ...where, field: 'route' },
      );
    }
    record.stream = stream;
    record.partitionKey ??= this.partitionKeyOf(record);
    const keyProblem = partitionKeyProblem(record.partitionKey);
    if (keyProblem) throw this.reject('PARTITION_KEY_INVALID', keyProblem, record, { ...where, field: 'partitionKey' });
    if (record.explicitHashKey !== undefined) {
      const hashProblem = explicitHashKeyProblem(record.explicitHashKey);
      if (hashProblem) {
        throw this.reject('PARTITION_KEY_INVALID', hashProblem, record, { ...where, field: 'explicitHashKey' });
      }
    }
    let data = payloadOf(record);
    if (this.options.compression === 'gzip') {
      data = gzipSync(data);
      record.data = data;
    }
    const sizeProblem = recordSizeProblem(recordBytes(data.length, record.partitionKey), this.limits);
    if (sizeProblem) throw this.reject('RECORD_TOO_LARGE', sizeProblem, record, where);
  }

  /** Writes records `prepare()` accepted (the runner prepares each record once, before batching). */
  async write(records: OffloadRecord[], signal: AbortSignal): Promise<RecordOutcome[]> {
    const outcomes: (RecordOutcome | undefined)[] = new Array(records.length);
    // Dropped routes are acknowledged as filtered; prepare() accepted every other record before batching.
    // One PutRecords targets one stream; group in case the runner mixed keys.
    const byStream = new Map<string, number[]>();
    for (let index = 0; index < records.length; index++) {
      const record = records[index];
      if (this.isDropped(record)) {
        outcomes[index] = { status: 'filtered' };
        continue;
      }
      const stream = record.stream as string;
      const group = byStream.get(stream);
      if (group) group.push(index);
      else byStream.set(stream, [index]);
    }
    const writes: Promise<void>[] = [];
    for (const [stream, indexes] of byStream) writes.push(this.writeStream(stream, records, indexes, outcomes, signal));
    await Promise.all(writes);
    for (let index = 0; index < outcomes.length; index++) {
      outcomes[index] ??= {
        status: 'failed',
        error: new DeliveryError('SINK_RETRIES_EXHAUSTED', 'no outcome for the record'),
      };
    }
    return outcomes as RecordOutcome[];
  }

  /**
   * The records at `indexes`, all for `stream`; fills their outcomes. A method and plain loops rather than arrows
   * made per call, for the reason given at requestRecords() in PutRecordsWriter.ts.
   */
  private async writeStream(
    stream: string,
    records: OffloadRecord[],
    indexes: number[],
    outcomes: (RecordOutcome | undefined)[],
    signal: AbortSignal,
  ): Promise<void> {
    if (this.dryRun) {
      for (const index of indexes) outcomes[index] = { status: 'delivered', stream };
      return;
    }
    await this.connection.ensureStream(stream);
    const entries = this.plan(records, indexes);
    const results = await this.connection.requireWriter().deliver(stream, entries, signal);
    for (let i = 0; i < entries.length; i++) this.settle(stream, entries[i], results[i], outcomes);
  }

  private settle(stream: string, entry: PlannedEntry, result: EntryResult, outcomes: (RecordOutcome | undefined)[]) {
    if (result.ok && this.options.aggregation === 'kpl') {
      this.metrics.add(USER_RECORDS_PUT, { stream }, entry.members.length);
    }
    for (const index of entry.members) {
      outcomes[index] = result.ok
        ? { status: 'delivered', stream, shardId: result.shardId, sequenceNumber: result.sequenceNumber }
        : { status: result.rejected ? 'rejected' : 'failed', error: result.error };
    }
  }

  /**
   * Kinesis entries for the prepared records at `indexes` (one stream): one each, or KPL aggregates within the
   * record limit. Members are positions in `records`.
   */
  private plan(records: OffloadRecord[], indexes: number[]): PlannedEntry[] {
    const single = (position: number): PlannedEntry => singleEntry(records, position);
    if (this.options.aggregation !== 'kpl') {
      const entries: PlannedEntry[] = new Array(indexes.length);
      for (let i = 0; i < indexes.length; i++) entries[i] = singleEntry(records, indexes[i]);
      return entries;
    }
    const entries: PlannedEntry[] = [];
    let aggregator = new KplAggregator();
    let members: number[] = [];
    const flush = () => {
      if (aggregator.count === 1) entries.push(single(members[0]));
      else if (aggregator.count > 1) {
        const built = aggregator.build();
        const bytes = recordBytes(built.data.length, built.partitionKey);
        entries.push({ ...built, bytes, attempts: 0, members });
      }
      aggregator = new KplAggregator();
      members = [];
    };
    for (const position of indexes) {
      const record = records[position];
      const user = {
        partitionKey: record.partitionKey as string,
        explicitHashKey: record.explicitHashKey,
        data: record.data as Uint8Array,
      };
      if (aggregator.count > 0 && aggregator.costWith(user) > this.limits.maxRecordBytes) flush();
      if (aggregator.costWith(user) > this.limits.maxRecordBytes) {
        // Fits only as a plain record (checked in prepare): send it on its own, as the KPL does.
        entries.push(single(position));
        continue;
      }
      aggregator.add(user);
      members.push(position);
    }
    flush();
    return entries;
  }

  private reject(
    code: 'ROUTE_UNMAPPED' | 'PARTITION_KEY_INVALID' | 'RECORD_TOO_LARGE',
    reason: string,
    record: OffloadRecord,
    where: { file?: string; line?: number; field?: string },
  ): RecordRejectedError {
    const position = record.origin.line ? `line ${record.origin.line}` : `record ${record.origin.index ?? '?'}`;
    const error = new RecordRejectedError(code, reason, where);
    const message = `${error.describe()} (${position} of source ${record.origin.sourceId}); record quarantined`;
    this.events.emit({
      severity: 'warning',
      source: this.id,
      code,
      message,
      file: where.file,
      record: position,
    });
    this.metrics.add(Metric.recordErrors, { stream: record.stream ?? `route:${record.route}`, code });
    return error;
  }
}

/** The Kinesis entry of one prepared record, on its own (no aggregation). */
function singleEntry(records: OffloadRecord[], position: number): PlannedEntry {
  const record = records[position];
  const data = record.data as Uint8Array;
  const partitionKey = record.partitionKey as string;
  const bytes = recordBytes(data.length, partitionKey);
  return { data, partitionKey, explicitHashKey: record.explicitHashKey, bytes, attempts: 0, members: [position] };
}
