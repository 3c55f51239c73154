import { Batcher, type OutcomeCollector, type PendingRecord } from './batcher.js';
import { attributeError, OffloaderError } from './errors.js';
import type { EventLog } from './events.js';
import type { HealthCondition } from './health.js';
import type { Logger } from './logger.js';
import { Metric, type Metrics, SOURCE_METRICS } from './metrics.js';
import type { Sink, Source, SourceBatch, Transformer } from './plugin.js';
import { type OffloadRecord, payloadOf, type RecordOutcome, summariseOutcomes } from './record.js';
import { type RunSummary, summariseRun } from './runSummary.js';

export interface Part<T> {
  id: string;
  type: string;
  instance: T;
}

export interface RunnerParts {
  sources: Part<Source>[];
  transformers: Part<Transformer>[];
  sink: Part<Sink>;
}

export interface RunnerServices {
  logger: Logger;
  metrics: Metrics;
  events: EventLog;
}

export interface RunnerOptions {
  /** Records accepted from sources and not yet settled, at most. Default: 2 × maxRecords × maxInFlight, ≥ 1000. */
  maxBufferedRecords?: number;
  /** After a stop signal, how long in-flight work may take before writes are aborted. */
  drainTimeoutMs?: number;
}

/** Queue figures, for tests and the status page. */
export interface QueueState {
  buffered: number;
  peakBuffered: number;
  maxBuffered: number;
  inFlight: number;
  peakInFlight: number;
}

/**
 * Drives one pipeline: pulls batches from every source, runs the transformers, batches records for the sink,
 * keeps up to `sink.maxInFlight()` writes in flight, and acknowledges each source batch once all its records
 * are settled. Backpressure: a source is not read while `maxBufferedRecords` records are unsettled.
 * The runner is the only place that drives plugin lifecycles (see the `Source` and `Sink` docs).
 */
export class PipelineRunner {
  private readonly batcher: Batcher;
  private readonly maxBuffered: number;
  private readonly releaseValues: boolean;
  private readonly drainTimeoutMs: number;
  private readonly writeController = new AbortController();
  private readonly writes = new Set<Promise<void>>();
  private readonly acks = new Set<Promise<void>>();
  private spaceWaiters: (() => void)[] = [];
  private drainWaiters: (() => void)[] = [];
  private buffered = 0;
  private peakBuffered = 0;
  private inFlight = 0;
  private peakInFlight = 0;
  private readonly errors: string[] = [];

  constructor(
    private readonly name: string,
    private readonly parts: RunnerParts,
    private readonly services: RunnerServices,
    options: RunnerOptions = {},
  ) {
    const sink = parts.sink.instance;
    this.batcher = new Batcher(sink.batching, () => this.dispatch());
    this.maxBuffered =
      options.maxBufferedRecords ?? Math.max(1000, 2 * sink.batching.maxRecords * Math.max(1, sink.maxInFlight()));
    this.drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
    this.releaseValues = sink.writesDataOnly === true;
  }

  get queue(): QueueState {
    return {
      buffered: this.buffered,
      peakBuffered: this.peakBuffered,
      maxBuffered: this.maxBuffered,
      inFlight: this.inFlight,
      peakInFlight: this.peakInFlight,
    };
  }

  /** What the sink reports about its own condition (empty when it reports nothing). */
  sinkConditions(): readonly HealthCondition[] {
    return this.parts.sink.instance.health?.() ?? [];
  }

  /** Runs until every source ended (once-mode) or `signal` aborts; then drains, commits and stops. */
  async run(signal: AbortSignal = new AbortController().signal): Promise<RunSummary> {
    const started = Date.now();
    const readController = new AbortController();
    const onStop = () => readController.abort();
    signal.addEventListener('abort', onStop, { once: true });
    const { events, logger, metrics } = this.services;
    // Every per-source series exists from the start, so dashboards show 0 instead of "no data".
    for (const source of this.parts.sources) {
      for (const name of SOURCE_METRICS) metrics.touch(name, { source: source.id });
    }
    metrics.touch(Metric.bufferedRecords, {});
    let stoppedBy: RunSummary['stoppedBy'] = 'end-of-input';
    const startedParts: Part<{ stop?(): Promise<void> }>[] = [];
    try {
      for (const part of [this.parts.sink, ...this.parts.transformers, ...this.parts.sources]) {
        await this.call(part, 'start', () => part.instance.start?.());
        startedParts.push(part);
      }
      events.emit({ severity: 'info', source: 'pipeline', code: 'PIPELINE_STARTED', message: `${this.name} started` });
      logger.info({ pipeline: this.name, sources: this.parts.sources.map((s) => s.id) }, 'pipeline started');
      await Promise.all(this.parts.sources.map((source) => this.pump(source, readController.signal)));
    } catch (error) {
      this.fail(error);
    }
    if (this.errors.length) stoppedBy = 'error';
    else if (signal.aborted) stoppedBy = 'signal';
    signal.removeEventListener('abort', onStop);
    await this.drain(signal.aborted || this.errors.length > 0);
    for (const part of startedParts.reverse()) {
      await this.call(part, 'stop', () => part.instance.stop?.()).catch((error) => this.fail(error));
    }
    const summary = await summariseRun(this.services.metrics, {
      name: this.name,
      sourceIds: this.parts.sources.map((source) => source.id),
      errors: this.errors,
      started,
      stoppedBy,
    });
    events.emit({
      severity: summary.ok ? 'info' : 'error',
      source: 'pipeline',
      code: 'PIPELINE_STOPPED',
      message: `${this.name} stopped (${stoppedBy})${summary.ok ? '' : `: ${summary.errors.join('; ') || 'records not delivered'}`}`,
    });
    return summary;
  }

  private async pump(source: Part<Source>, signal: AbortSignal): Promise<void> {
    try {
      for await (const batch of source.instance.read(signal)) {
        await this.accept(source, batch);
      }
    } catch (error) {
      this.fail(attributeError(error, source.type, 'read'));
    } finally {
      // Partial batches of an ended source must not wait for their linger timer.
      this.batcher.flush();
    }
  }

  private async accept(source: Part<Source>, batch: SourceBatch): Promise<void> {
    const { metrics } = this.services;
    const sink = this.parts.sink;
    const collector = new BatchCollector(batch, source, this);
    metrics.add(Metric.recordsIn, { source: source.id }, batch.records.length);
    for (let index = 0; index < batch.records.length; index += 1) {
      if (this.buffered >= this.maxBuffered) {
        this.batcher.release();
        await this.waitForSpace();
      }
      let record: OffloadRecord | null = batch.records[index];
      try {
        // No transformers: skip the await, which would cost a microtask turn per record.
        if (this.parts.transformers.length > 0) record = await this.transform(record);
      } catch (error) {
        collector.settle(index, { status: 'rejected', error: attributeError(error, 'transformer', 'transform') });
        continue;
      }
      if (record === null) {
        collector.settle(index, { status: 'filtered' });
        continue;
      }
      try {
        payloadOf(record);
        sink.instance.prepare?.(record);
        if (this.releaseValues) record.value = undefined;
      } catch (error) {
        collector.settle(index, { status: 'rejected', error: attributeError(error, sink.type, 'prepare') });
        continue;
      }
      this.buffered += 1;
      if (this.buffered > this.peakBuffered) this.peakBuffered = this.buffered;
      const pending: PendingRecord = { record, size: sink.instance.batching.sizeOf(record), collector, index };
      this.batcher.add(pending);
    }
    this.batcher.release();
    collector.sealed();
  }

  private async transform(record: OffloadRecord): Promise<OffloadRecord | null> {
    let current: OffloadRecord | null = record;
    for (const transformer of this.parts.transformers) {
      try {
        current = await transformer.instance.transform(current);
      } catch (error) {
        throw attributeError(error, transformer.type, 'transform');
      }
      if (current === null) return null;
    }
    return current;
  }

  private dispatch(): void {
    const sink = this.parts.sink.instance;
    while (this.batcher.ready.length > 0 && this.inFlight < Math.max(1, sink.maxInFlight())) {
      const items = this.batcher.ready.shift() as PendingRecord[];
      this.inFlight += 1;
      if (this.inFlight > this.peakInFlight) this.peakInFlight = this.inFlight;
      const write = this.write(items).finally(() => {
        this.inFlight -= 1;
        this.writes.delete(write);
        this.dispatch();
      });
      this.writes.add(write);
    }
  }

  private async write(items: PendingRecord[]): Promise<void> {
    const sink = this.parts.sink;
    // A loop, not a per-call arrow: V8 would drop that arrow's optimised code at every full collection.
    const records: OffloadRecord[] = new Array(items.length);
    for (let i = 0; i < items.length; i += 1) records[i] = items[i].record;
    let outcomes: RecordOutcome[];
    try {
      outcomes = await sink.instance.write(records, this.writeController.signal);
      if (outcomes.length !== records.length) {
        throw new OffloaderError(
          'ACK_PROTOCOL',
          `write() returned ${outcomes.length} outcomes for ${records.length} records`,
        );
      }
    } catch (error) {
      const attributed = attributeError(error, sink.type, 'write');
      this.services.logger.error({ err: attributed.message, records: records.length }, 'write failed');
      outcomes = records.map(() => ({ status: 'failed', error: attributed }));
    }
    for (let i = 0; i < items.length; i += 1) items[i].collector.settle(items[i].index, outcomes[i]);
    this.buffered -= items.length;
    this.services.metrics.set(Metric.bufferedRecords, {}, this.buffered);
    this.wake();
  }

  /** Called by a collector when every record of a source batch is settled. */
  acknowledge(source: Part<Source>, batch: SourceBatch, outcomes: RecordOutcome[]): void {
    const ack = summariseOutcomes(outcomes);
    const labels = { source: source.id };
    const { metrics } = this.services;
    metrics.add(Metric.recordsDelivered, labels, ack.delivered);
    metrics.add(Metric.recordsFiltered, labels, ack.filtered);
    metrics.add(Metric.recordsRejected, labels, ack.rejected);
    metrics.add(Metric.recordsFailed, labels, ack.failed);
    const done = Promise.resolve()
      .then(() => batch.ack(ack))
      .catch((error) => this.fail(attributeError(error, source.type, 'ack')))
      .finally(() => {
        this.acks.delete(done);
        this.wake();
      });
    this.acks.add(done);
  }

  private waitForSpace(): Promise<void> {
    return new Promise((resolve) => this.spaceWaiters.push(resolve));
  }

  private wake(): void {
    if (this.buffered < this.maxBuffered && this.spaceWaiters.length) {
      const waiters = this.spaceWaiters;
      this.spaceWaiters = [];
      for (const resolve of waiters) resolve();
    }
    if (this.buffered === 0 && this.drainWaiters.length) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** Waits for every buffered record to settle; on a stop, gives up after the drain timeout. */
  private async drain(bounded: boolean): Promise<void> {
    this.batcher.flush();
    this.dispatch();
    if (this.buffered > 0) {
      const drained = new Promise<void>((resolve) => this.drainWaiters.push(resolve));
      if (bounded) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, this.drainTimeoutMs);
        });
        await Promise.race([drained, timeout]);
        clearTimeout(timer);
      } else {
        await drained;
      }
    }
    if (this.buffered > 0) {
      this.services.logger.warn({ buffered: this.buffered }, 'drain timed out; aborting writes (data is kept)');
      this.writeController.abort();
    }
    await Promise.allSettled([...this.writes]);
    while (this.acks.size > 0) await Promise.allSettled([...this.acks]);
  }

  private async call(part: Part<unknown>, stage: string, action: () => unknown): Promise<void> {
    try {
      await action();
    } catch (error) {
      throw attributeError(error, part.type, stage);
    }
  }

  private fail(error: unknown): void {
    const attributed = error instanceof OffloaderError ? error : attributeError(error, 'pipeline', 'run');
    const text = attributed.plugin
      ? `${attributed.plugin} (${attributed.stage}): ${attributed.message}`
      : attributed.message;
    if (this.errors.includes(text)) return;
    this.errors.push(text);
    this.services.logger.error({ code: attributed.code, err: text }, 'pipeline error');
    this.services.events.emit({
      severity: 'error',
      source: attributed.plugin ?? 'pipeline',
      code: attributed.code,
      message: text,
      file: attributed.file,
    });
  }
}

/** Outcomes of one source batch; acknowledges it once every record is settled and the batch was fully read. */
class BatchCollector implements OutcomeCollector {
  private readonly outcomes: RecordOutcome[];
  private pending: number;
  private complete = false;

  constructor(
    private readonly batch: SourceBatch,
    private readonly source: Part<Source>,
    private readonly runner: PipelineRunner,
  ) {
    this.outcomes = new Array(batch.records.length);
    this.pending = batch.records.length;
  }

  settle(index: number, outcome: RecordOutcome): void {
    if (this.outcomes[index] !== undefined) return;
    this.outcomes[index] = outcome;
    this.pending -= 1;
    this.maybeAcknowledge();
  }

  /** The runner has handed out every record of the batch. */
  sealed(): void {
    this.complete = true;
    this.maybeAcknowledge();
  }

  private maybeAcknowledge(): void {
    if (this.complete && this.pending === 0) {
      this.complete = false;
      this.runner.acknowledge(this.source, this.batch, this.outcomes);
    }
  }
}
