import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  type BatchingPolicy,
  type Clock,
  coreServices,
  DeliveryError,
  type EventLog,
  type HealthCondition,
  type Logger,
  Metric,
  type Metrics,
  OffloaderError,
  type OffloadRecord,
  type PluginContext,
  PluginError,
  payloadOf,
  type RecordOutcome,
  RecordRejectedError,
  SHARD_METRICS,
  type Sink,
} from '@offloader/core';
import { AimdConcurrency } from './aimd.js';
import { callDeadlineMs, createKinesisClient, type KinesisClientOptions, sendPutRecords } from './client.js';
import { SecretRedactor } from './errors.js';
import { KplAggregator } from './kpl.js';
import {
  type EffectiveLimits,
  effectiveLimits,
  explicitHashKeyProblem,
  KinesisLimits,
  partitionKeyProblem,
  recordBytes,
  recordSizeProblem,
  utf8Bytes,
} from './limits.js';
import type { LocalKinesis } from './local/localKinesis.js';
import type { KinesisSinkOptions } from './options.js';
import { type EntryResult, type PutEntry, PutRecordsWriter } from './PutRecordsWriter.js';
import { compilePartitionKey, type PartitionKeyFunction } from './partitionKeys.js';
import { ShardPacer } from './shardPacer.js';
import { openShardRanges, ShardMap } from './shardRanges.js';
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
export class KinesisSink implements Sink {
  readonly batching: BatchingPolicy;
  private readonly limits: EffectiveLimits;
  private readonly partitionKeyOf: PartitionKeyFunction;
  private readonly concurrency: AimdConcurrency;
  private readonly streamHealth: StreamHealth;
  private readonly redactor: SecretRedactor;
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private readonly events: EventLog;
  private readonly clock: Clock;
  private readonly dryRun: boolean;
  private client?: KinesisClient;
  private resolvedRegion?: string;
  private readonly credentialsProvider?: KinesisClientOptions['credentialsProvider'];
  private writer?: PutRecordsWriter;
  private shards?: ShardMap;
  private local?: LocalKinesis;
  /** Streams the embedded server has (configured ones at start, others created on first use). */
  private readonly localStreams = new Set<string>();

  constructor(
    private readonly options: KinesisSinkOptions,
    private readonly context: PluginContext,
  ) {
    const services = coreServices(context.container);
    this.logger = services.logger.child({ sink: context.id });
    this.metrics = services.metrics;
    this.events = services.events;
    this.clock = services.clock;
    this.dryRun = context.mode.dryRun;
    if (context.container.isRegistered(KinesisTokens.Credentials, true)) {
      this.credentialsProvider = context.container.resolve(KinesisTokens.Credentials);
    }
    if (options.aggregation === 'none' && options.maxBatchRecords > KinesisLimits.maxRecordsPerRequest) {
      throw new PluginError(
        'PLUGIN_OPTIONS_INVALID',
        `kinesis sink ${context.id}: maxBatchRecords ${options.maxBatchRecords} is more than the ` +
          `${KinesisLimits.maxRecordsPerRequest} records PutRecords takes; only aggregation: kpl packs more per write`,
        { field: 'maxBatchRecords' },
      );
    }
    this.limits = effectiveLimits({ maxRecordBytes: options.maxRecordBytes, maxRequestBytes: options.maxRequestBytes });
    this.partitionKeyOf = compilePartitionKey(options.partitionKey);
    const credentials = options.credentials;
    this.redactor = new SecretRedactor([
      credentials?.accessKeyId,
      credentials?.secretAccessKey,
      credentials?.sessionToken,
    ]);
    this.concurrency = new AimdConcurrency(options.maxInFlight, (limit) =>
      this.metrics.set(Metric.concurrency, { sink: context.id }, limit),
    );
    this.streamHealth = new StreamHealth(context.id, this.events, this.logger, this.clock, options.pauseOnErrorMs);
    this.batching = {
      maxRecords: options.maxBatchRecords,
      maxBytes: Math.min(options.maxBatchBytes, this.limits.maxRequestBytes),
      lingerMs: options.lingerMs,
      sizeOf: (record) => payloadOf(record).length + utf8Bytes(record.partitionKey ?? ''),
      keyOf: (record) => record.stream ?? this.streamForRoute(record.route) ?? `unmapped:${record.route}`,
    };
    if (options.endpoint !== 'local') this.connect(options.endpoint, options.region, credentials);
  }

  async start(): Promise<void> {
    if (this.options.endpoint === 'local' && !this.local) await this.startLocal();
    // Per-stream series exist from the start at 0; each shard's series once the first write lists the shards
    // (listing here would put a ListShards call in front of the first write whenever the network is down).
    this.metrics.set(Metric.concurrency, { sink: this.context.id }, this.concurrency.current());
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

  private async startLocal(): Promise<void> {
    const names = this.configuredStreams().filter((name) => !name.startsWith('arn:'));
    const path = this.options.local.inMemory ? undefined : join(this.context.stateDir, 'kinesis-local');
    // Loaded on first use: the embedded server and its optional kinesalite dependency stay out of AWS runs.
    const { startLocalKinesis } = await import('./local/localKinesis.js');
    this.local = await startLocalKinesis({
      host: this.options.local.host,
      port: this.options.local.port,
      path,
      streams: names.map((name) => ({ name, shards: this.options.local.shards })),
    });
    this.connect(
      this.local.endpoint,
      this.options.region ?? this.local.region,
      this.options.credentials ?? this.local.credentials,
    );
    this.logger.info(
      { endpoint: this.local.endpoint, path: path ?? 'memory', streams: names, shards: this.options.local.shards },
      `embedded Kinesis-API server (kinesalite) listening on ${this.local.endpoint}`,
    );
  }

  async stop(): Promise<void> {
    this.client?.destroy();
    this.client = undefined;
    this.writer = undefined;
    await this.local?.close();
    this.local = undefined;
  }

  /**
   * Resolves the region once at creation (option, endpoint host, AWS_REGION, profile): without one every call
   * would fail, so a missing region is a configuration error before anything runs.
   */
  async resolveRegion(): Promise<void> {
    if (!this.client || this.dryRun) return;
    try {
      this.resolvedRegion = await this.client.config.region();
    } catch {
      throw new PluginError(
        'PLUGIN_OPTIONS_INVALID',
        `kinesis sink ${this.context.id}: no AWS region — set \`region\`, AWS_REGION or a region in the AWS ` +
          'profile, or give an endpoint like kinesis.<region>.amazonaws.com',
        { field: 'region' },
      );
    }
  }

  /** The region calls go to (after {@link resolveRegion}). */
  region(): string | undefined {
    return this.resolvedRegion;
  }

  /** The embedded server's endpoint while `endpoint: local` runs. */
  localEndpoint(): string | undefined {
    return this.local?.endpoint;
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
    const accepted: number[] = [];
    records.forEach((record, index) => {
      if (this.isDropped(record)) outcomes[index] = { status: 'filtered' };
      else accepted.push(index);
    });
    // One PutRecords targets one stream; group in case the runner mixed keys.
    const byStream = new Map<string, number[]>();
    for (const index of accepted) {
      const stream = records[index].stream as string;
      const group = byStream.get(stream);
      if (group) group.push(index);
      else byStream.set(stream, [index]);
    }
    await Promise.all(
      [...byStream].map(async ([stream, indexes]) => {
        if (this.dryRun) {
          for (const index of indexes) outcomes[index] = { status: 'delivered', stream };
          return;
        }
        if (this.local && !this.localStreams.has(stream) && !stream.startsWith('arn:')) {
          // Custom files may name streams the map does not list; the embedded server has no one to create them.
          this.localStreams.add(stream);
          await this.local.createStream({ name: stream, shards: this.options.local.shards });
        }
        const entries = this.plan(indexes.map((index) => records[index])).map((entry) => ({
          ...entry,
          members: entry.members.map((position) => indexes[position]),
        }));
        const results = await this.requireWriter().deliver(stream, entries, signal);
        entries.forEach((entry, i) => {
          this.settle(stream, entry, results[i], outcomes);
        });
      }),
    );
    return outcomes.map(
      (outcome) =>
        outcome ?? {
          status: 'failed',
          error: new DeliveryError('SINK_RETRIES_EXHAUSTED', 'no outcome for the record'),
        },
    );
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

  /** Kinesis entries for prepared records of one stream: one each, or KPL aggregates within the record limit. */
  private plan(records: OffloadRecord[]): PlannedEntry[] {
    const single = (record: OffloadRecord, position: number): PlannedEntry => {
      const data = record.data as Uint8Array;
      const partitionKey = record.partitionKey as string;
      const bytes = recordBytes(data.length, partitionKey);
      return { data, partitionKey, explicitHashKey: record.explicitHashKey, bytes, attempts: 0, members: [position] };
    };
    if (this.options.aggregation !== 'kpl') return records.map(single);
    const entries: PlannedEntry[] = [];
    let aggregator = new KplAggregator();
    let members: number[] = [];
    const flush = () => {
      if (aggregator.count === 1) entries.push(single(records[members[0]], members[0]));
      else if (aggregator.count > 1) {
        const built = aggregator.build();
        const bytes = recordBytes(built.data.length, built.partitionKey);
        entries.push({ ...built, bytes, attempts: 0, members });
      }
      aggregator = new KplAggregator();
      members = [];
    };
    records.forEach((record, position) => {
      const user = {
        partitionKey: record.partitionKey as string,
        explicitHashKey: record.explicitHashKey,
        data: record.data as Uint8Array,
      };
      if (aggregator.count > 0 && aggregator.costWith(user) > this.limits.maxRecordBytes) flush();
      if (aggregator.costWith(user) > this.limits.maxRecordBytes) {
        // Fits only as a plain record (checked in prepare): send it on its own, as the KPL does.
        entries.push(single(record, position));
        return;
      }
      aggregator.add(user);
      members.push(position);
    });
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
      source: this.context.id,
      code,
      message,
      file: where.file,
      record: position,
    });
    this.metrics.add(Metric.recordErrors, { stream: record.stream ?? `route:${record.route}`, code });
    return error;
  }

  private connect(endpoint: string | undefined, region: string | undefined, credentials = this.options.credentials) {
    this.client?.destroy();
    const client = createKinesisClient({
      region,
      endpoint,
      port: this.options.port,
      credentials,
      credentialsProvider: this.credentialsProvider,
      proxy: this.options.proxy,
      bypassProxy: this.options.bypassProxy || this.options.endpoint === 'local',
      maxSockets: this.options.maxInFlight,
      requestTimeoutMs: this.options.requestTimeoutMs,
      connectTimeoutMs: this.options.connectTimeoutMs,
    });
    this.client = client;
    const shards = new ShardMap(
      (stream) =>
        openShardRanges(client, stream).catch((error: Error) => {
          this.logger.warn(
            { stream, err: this.redactor.redact(error.message) },
            'cannot list shards; writes to this stream are not paced and refused records are counted under shard "unknown"',
          );
          return undefined;
        }),
      (stream, ranges) => {
        for (const range of ranges) {
          for (const name of SHARD_METRICS) this.metrics.touch(name, { stream, shard: range.shardId });
        }
      },
    );
    this.shards = shards;
    this.writer = new PutRecordsWriter({
      shards,
      api: { putRecords: (input, signal) => sendPutRecords(client, input, signal) },
      callDeadlineMs: callDeadlineMs(this.options),
      sinkId: this.context.id,
      limits: this.limits,
      retry: this.options.retry,
      clock: this.clock,
      metrics: this.metrics,
      events: this.events,
      logger: this.logger,
      health: this.streamHealth,
      concurrency: this.concurrency,
      redactor: this.redactor,
      pacer: this.options.shardRate.enabled
        ? new ShardPacer(
            {
              records: (KinesisLimits.shardRecordsPerSecond * this.options.shardRate.percent) / 100,
              bytes: (KinesisLimits.shardBytesPerSecond * this.options.shardRate.percent) / 100,
            },
            this.clock,
            (stream) => shards.rangesOf(stream),
          )
        : undefined,
    });
  }

  private requireWriter(): PutRecordsWriter {
    if (!this.writer) {
      throw new OffloaderError('PLUGIN_NOT_STARTED', `kinesis sink ${this.context.id}: write() before start()`);
    }
    return this.writer;
  }
}
