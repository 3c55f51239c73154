import type { PutRecordsInput, PutRecordsOutput, PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import {
  type Clock,
  DeliveryError,
  type EventLog,
  type Logger,
  Metric,
  type Metrics,
  RecordRejectedError,
  UNKNOWN_SHARD,
} from '@offloader/core';
import type { AimdConcurrency } from './aimd.js';
import {
  CallNotSentError,
  type ClassifiedFailure,
  classifyCallError,
  classifyRecordError,
  deliveryCodeOf,
  isRequestContentError,
  type SecretRedactor,
} from './errors.js';
import { type EffectiveLimits, splitIntoRequests } from './limits.js';
import type { RetryOptions } from './options.js';
import { fullJitterDelay, retryAllowed } from './retry.js';
import type { ShardPacer } from './shardPacer.js';
import type { ShardMap } from './shardRanges.js';
import type { StreamHealth } from './streamHealth.js';

/** The one call the writer needs; the real client or a unit-test stand-in. */
export interface PutRecordsApi {
  /** `signal` aborts the call (shutdown or the call deadline); the promise then rejects. */
  putRecords(input: PutRecordsInput, signal: AbortSignal): Promise<PutRecordsOutput>;
}

/** One Kinesis record to put (a plain record or a KPL aggregate of several user records). */
export interface PutEntry {
  data: Uint8Array;
  partitionKey: string;
  explicitHashKey?: string;
  /** data + partition key bytes, the unit of the record and request limits. */
  bytes: number;
  /** Attempts made so far. */
  attempts: number;
  /** Hash key (hex) of the partition key, cached by the shard pacer. */
  hashKey?: string;
}

/** `rejected`: the service refuses this record itself; sending it again cannot help. */
export type EntryResult =
  | { ok: true; shardId?: string; sequenceNumber?: string }
  | { ok: false; error: Error; rejected?: boolean };

export interface WriterDeps {
  api: PutRecordsApi;
  sinkId: string;
  limits: EffectiveLimits;
  retry: RetryOptions;
  clock: Clock;
  metrics: Metrics;
  events: EventLog;
  logger: Logger;
  health: StreamHealth;
  concurrency: AimdConcurrency;
  redactor: SecretRedactor;
  /** Per-shard pacing; absent = send as fast as concurrency allows. */
  pacer?: ShardPacer;
  /** Shards of each stream, for the `shard` label of refused records; absent = `unknown`. */
  shards?: ShardMap;
  /** Hard bound of one call: it is aborted after this long whatever the endpoint does. */
  callDeadlineMs: number;
}

const bytesOf = (entry: PutEntry): number => entry.bytes;

/**
 * The PutRecords entries of a request, in its order.
 *
 * The per-record loops of a batch (here, in the sink and in the protocol) are plain loops and module functions,
 * not arrows made per call. V8 holds the optimised code of a function only weakly once none of its closures is
 * alive, so each full collection (about one a second at 5,000 rows/s under limitHeapGrowth) dropped the code of
 * the per-call arrows and TurboFan compiled them again: a steady ten compilations a second (bench B6, --trace-opt).
 */
function requestRecords(request: readonly PutEntry[]): PutRecordsRequestEntry[] {
  const records: PutRecordsRequestEntry[] = new Array(request.length);
  for (let i = 0; i < request.length; i++) {
    const entry = request[i];
    records[i] = { Data: entry.data, PartitionKey: entry.partitionKey, ExplicitHashKey: entry.explicitHashKey };
  }
  return records;
}

/** `StreamName` or `StreamARN`, as the configured target says. */
export function streamTarget(stream: string): Pick<PutRecordsInput, 'StreamName' | 'StreamARN'> {
  return stream.startsWith('arn:') ? { StreamARN: stream } : { StreamName: stream };
}

/**
 * Delivers entries to one stream with PutRecords: splits them into requests within the limits, reads
 * `FailedRecordCount` and each result's `ErrorCode` (results are in request order), and retries only the
 * failed entries with full-jitter backoff until they are written, a non-retryable error pauses the stream,
 * the retry budget runs out or `signal` aborts. Every entry gets a result; none is reported written unless
 * Kinesis returned a sequence number for it.
 */
export class PutRecordsWriter {
  constructor(private readonly deps: WriterDeps) {}

  async deliver(stream: string, entries: PutEntry[], signal: AbortSignal): Promise<EntryResult[]> {
    const { clock, retry } = this.deps;
    const results = new Map<PutEntry, EntryResult>();
    const startedAt = clock.now();
    let pending = entries;
    for (let round = 0; pending.length > 0; round++) {
      const paused = this.deps.health.pausedError(stream);
      if (paused) {
        for (const entry of pending) results.set(entry, { ok: false, error: paused });
        break;
      }
      if (round > 0) {
        const attempts = Math.max(...pending.map((entry) => entry.attempts));
        if (!retryAllowed(retry, attempts, clock.now() - startedAt)) {
          this.giveUp(stream, pending, results, attempts, clock.now() - startedAt);
          break;
        }
        for (const [shard, count] of this.countByShard(stream, pending)) {
          this.deps.metrics.add(Metric.retries, { stream, shard }, count);
        }
        await clock.sleep(fullJitterDelay(round, retry), signal);
        if (signal.aborted) {
          this.stopped(stream, pending, results);
          break;
        }
      }
      const retryNext: PutEntry[] = [];
      for (const request of splitIntoRequests(pending, bytesOf, this.deps.limits)) {
        if (signal.aborted) {
          retryNext.push(...request);
          continue;
        }
        await this.deps.pacer?.admit(stream, request, signal);
        retryNext.push(...(await this.putOnce(stream, request, results, signal)));
      }
      pending = retryNext;
      if (signal.aborted && pending.length > 0) {
        this.stopped(stream, pending, results);
        break;
      }
    }
    const outcome: EntryResult[] = new Array(entries.length);
    for (let i = 0; i < entries.length; i++) {
      outcome[i] = results.get(entries[i]) ?? {
        ok: false,
        error: new DeliveryError('SINK_RETRIES_EXHAUSTED', 'no result'),
      };
    }
    return outcome;
  }

  private stopped(stream: string, pending: PutEntry[], results: Map<PutEntry, EntryResult>): void {
    const error = new DeliveryError('SINK_ABORTED', `write to stream ${stream} stopped by shutdown; data is kept`);
    for (const entry of pending) results.set(entry, { ok: false, error });
  }

  /** One PutRecords call; returns the entries to retry and records final results for the others. */
  private async putOnce(stream: string, request: PutEntry[], results: Map<PutEntry, EntryResult>, stop: AbortSignal) {
    const { api, clock, metrics, health, concurrency } = this.deps;
    const paused = health.pausedError(stream);
    if (paused) {
      for (const entry of request) results.set(entry, { ok: false, error: paused });
      return [];
    }
    for (const entry of request) entry.attempts += 1;
    const sentAt = clock.now();
    metrics.shift(Metric.inflightRequests, { stream }, 1);
    let sent = true;
    let response: PutRecordsOutput;
    try {
      const callSignal = AbortSignal.any([stop, AbortSignal.timeout(this.deps.callDeadlineMs)]);
      response = await api.putRecords({ ...streamTarget(stream), Records: requestRecords(request) }, callSignal);
    } catch (error) {
      // A shutdown, not the endpoint, ended the call: nothing to learn about the stream; the caller keeps the data.
      if (stop.aborted) return request;
      if (error instanceof CallNotSentError) {
        sent = false;
        return this.onNotSent(stream, request, results, error);
      }
      const failure = classifyCallError(error);
      if (isRequestContentError(failure, error)) return this.isolate(stream, request, results, error, stop);
      return this.onCallFailed(stream, request, results, failure, error, sentAt);
    } finally {
      metrics.shift(Metric.inflightRequests, { stream }, -1);
      if (sent) metrics.add(Metric.putRequests, { stream });
    }
    const latencySeconds = (clock.now() - sentAt) / 1000;
    const answers = response.Records ?? [];
    if (answers.length !== request.length) {
      const failure: ClassifiedFailure = { kind: 'retryable', awsCode: 'MalformedResponse' };
      const detail = `${answers.length} results for ${request.length} records`;
      this.observeLatency(stream, this.countByShard(stream, request).keys(), latencySeconds);
      return this.onCallFailed(
        stream,
        request,
        results,
        failure,
        new DeliveryError('SINK_UNREACHABLE', detail),
        sentAt,
      );
    }
    // The stream answered: list its shards now (once, in the background) to name the shard of refused records.
    void this.deps.shards?.shardsOf(stream);
    const retryNext: PutEntry[] = [];
    let throttled = 0;
    const throttledPerShard = new Map<string, number>();
    const touched = new Set<string>();
    // Per-shard totals of this answer, added to the metrics once per shard rather than once per record.
    const putPerShard = new Map<string, { records: number; bytes: number }>();
    for (let index = 0; index < request.length; index++) {
      const entry = request[index];
      const answer = answers[index];
      if (!answer.ErrorCode && answer.SequenceNumber) {
        const shard = answer.ShardId ?? UNKNOWN_SHARD;
        touched.add(shard);
        const totals = putPerShard.get(shard);
        if (totals) {
          totals.records += 1;
          totals.bytes += entry.bytes;
        } else {
          putPerShard.set(shard, { records: 1, bytes: entry.bytes });
        }
        results.set(entry, { ok: true, shardId: answer.ShardId, sequenceNumber: answer.SequenceNumber });
        continue;
      }
      const failure = classifyRecordError(answer.ErrorCode ?? 'MissingSequenceNumber');
      const shard = this.deps.shards?.shardOf(stream, entry) ?? UNKNOWN_SHARD;
      touched.add(shard);
      metrics.add(Metric.recordErrors, { stream, shard, code: failure.awsCode });
      if (failure.kind === 'throttled') {
        throttled += 1;
        throttledPerShard.set(shard, (throttledPerShard.get(shard) ?? 0) + 1);
      }
      if (failure.kind === 'throttled' || failure.kind === 'retryable') {
        retryNext.push(entry);
        continue;
      }
      const detail = this.deps.redactor.redact(`${failure.awsCode}: ${answer.ErrorMessage ?? ''}`);
      results.set(entry, { ok: false, error: health.pause(stream, failure.kind, detail) });
    }
    for (const [shard, totals] of putPerShard) {
      metrics.add(Metric.recordsPut, { stream, shard }, totals.records);
      metrics.add(Metric.bytesPut, { stream, shard }, totals.bytes);
    }
    this.observeLatency(stream, touched, latencySeconds);
    for (const [shard, count] of throttledPerShard) metrics.add(Metric.recordsThrottled, { stream, shard }, count);
    if (throttled > 0) {
      health.onThrottled(stream);
      concurrency.onThrottled(sentAt, clock.now());
    } else {
      concurrency.onSuccess();
    }
    health.onAnswered(stream, throttled === 0);
    return retryNext;
  }

  /**
   * The service refused the whole request for its content without naming a record: halves are sent on their
   * own until each offender is alone (log2(500) rounds at most), so the offenders are rejected and the rest is
   * delivered; the stream is never paused for one bad record. Those calls are not delivery attempts.
   */
  private async isolate(
    stream: string,
    request: PutEntry[],
    results: Map<PutEntry, EntryResult>,
    error: unknown,
    stop: AbortSignal,
  ): Promise<PutEntry[]> {
    for (const entry of request) entry.attempts -= 1;
    if (request.length === 1) {
      this.refuse(stream, request[0], results, error);
      return [];
    }
    const middle = Math.ceil(request.length / 2);
    const first = await this.putOnce(stream, request.slice(0, middle), results, stop);
    const second = await this.putOnce(stream, request.slice(middle), results, stop);
    return [...first, ...second];
  }

  private refuse(stream: string, entry: PutEntry, results: Map<PutEntry, EntryResult>, error: unknown): void {
    const { metrics, events, redactor, sinkId } = this.deps;
    const detail = redactor.describe(error);
    const message = `stream ${stream} refuses a record (partition key ${JSON.stringify(redactor.redact(entry.partitionKey.slice(0, 40)))}…): ${detail}; record quarantined, the others are delivered`;
    const shard = this.deps.shards?.shardOf(stream, entry) ?? UNKNOWN_SHARD;
    metrics.add(Metric.recordErrors, { stream, shard, code: 'RECORD_INVALID' });
    // One row per stream however many records: repeats fold into its count.
    events.emit(
      { severity: 'warning', source: sinkId, code: 'RECORD_INVALID', message },
      `${sinkId}|RECORD_INVALID|${stream}`,
    );
    results.set(entry, { ok: false, rejected: true, error: new RecordRejectedError('RECORD_INVALID', message) });
  }

  /** The SDK gave up before sending (configuration): no request, no retry; the stream pauses with the reason. */
  private onNotSent(
    stream: string,
    request: PutEntry[],
    results: Map<PutEntry, EntryResult>,
    error: CallNotSentError,
  ): PutEntry[] {
    for (const entry of request) entry.attempts -= 1;
    const pauseError = this.deps.health.pause(stream, 'non-retryable', this.deps.redactor.describe(error));
    for (const entry of request) results.set(entry, { ok: false, error: pauseError });
    return [];
  }

  private onCallFailed(
    stream: string,
    request: PutEntry[],
    results: Map<PutEntry, EntryResult>,
    failure: ClassifiedFailure,
    error: unknown,
    sentAt: number,
  ): PutEntry[] {
    const { metrics, health, concurrency, redactor } = this.deps;
    const perShard = this.countByShard(stream, request);
    for (const [shard, count] of perShard)
      metrics.add(Metric.recordErrors, { stream, shard, code: failure.awsCode }, count);
    const detail = redactor.describe(error);
    if (failure.kind === 'throttled') {
      for (const [shard, count] of perShard) metrics.add(Metric.recordsThrottled, { stream, shard }, count);
      health.onThrottled(stream);
      concurrency.onThrottled(sentAt, this.deps.clock.now());
      return request;
    }
    if (failure.kind === 'retryable') {
      health.onUnreachable(stream, detail);
      return request;
    }
    const pauseError = health.pause(stream, failure.kind, detail);
    for (const entry of request) results.set(entry, { ok: false, error: pauseError });
    return [];
  }

  /** Entries per shard (`unknown` until the stream's shards are listed). */
  private countByShard(stream: string, entries: readonly PutEntry[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const entry of entries) {
      const shard = this.deps.shards?.shardOf(stream, entry) ?? UNKNOWN_SHARD;
      counts.set(shard, (counts.get(shard) ?? 0) + 1);
    }
    return counts;
  }

  /** One latency observation per shard the request carried records for. */
  private observeLatency(stream: string, shards: Iterable<string>, seconds: number): void {
    for (const shard of shards) this.deps.metrics.observe(Metric.putLatencySeconds, { stream, shard }, seconds);
  }

  private giveUp(
    stream: string,
    pending: PutEntry[],
    results: Map<PutEntry, EntryResult>,
    attempts: number,
    elapsedMs: number,
  ): void {
    const message =
      `${pending.length} record(s) for stream ${stream} not written after ${attempts} attempt(s) in ` +
      `${Math.round(elapsedMs / 1000)} s (retry limits reached); the source keeps them for a later run`;
    const error = new DeliveryError(deliveryCodeOf('retryable'), message);
    for (const entry of pending) results.set(entry, { ok: false, error });
    this.deps.events.emit({ severity: 'warning', source: this.deps.sinkId, code: 'SINK_RETRIES_EXHAUSTED', message });
    this.deps.logger.warn({ stream, records: pending.length }, message);
  }
}
