import { type HistogramValue, Metric, type MetricsSnapshot, type Series } from '@offloader/core';
import { histogramQuantile, mergeHistograms } from './histograms.js';

/** Per-second rates of one stream over one sampling interval. */
export interface StreamRates {
  records: number;
  bytes: number;
  throttled: number;
  errors: number;
  /** Put latency quantiles of the requests that finished in the interval, in seconds; null when none did. */
  p50: number | null;
  p95: number | null;
}

/** One point of the dashboard's history: rates over the interval that ends at `t`, gauges at `t`. */
export interface HistorySample {
  /** End of the interval, epoch milliseconds. */
  t: number;
  /** Length of the interval, seconds. */
  seconds: number;
  total: {
    records: number;
    bytes: number;
    throttled: number;
    errors: number;
    retries: number;
    rowsRead: number;
    rowsRejected: number;
    recordsFailed: number;
  };
  latency: { p50: number | null; p95: number | null };
  streams: Record<string, StreamRates>;
  /** Keyed `<stream> <shardId>`. */
  shards: Record<string, { stream: string; shard: string; records: number; bytes: number }>;
  backlog: { files: number; bytes: number; oldestAgeSeconds: number };
  inflight: number;
}

export interface StatsHistoryOptions {
  /** Samples kept (one per sampling interval). Default 900: 15 minutes at one per second. */
  capacity?: number;
}

/**
 * A ring of recent samples computed from successive metrics snapshots, so the dashboard can draw rates
 * over the last minutes as soon as it opens. Counters become per-second rates over the interval between two
 * snapshots; the latency quantiles come from the histogram increase over that interval.
 */
export class StatsHistory {
  private readonly capacity: number;
  private readonly ring: HistorySample[] = [];
  private previous: MetricsSnapshot | undefined;

  constructor(options: StatsHistoryOptions = {}) {
    this.capacity = Math.max(1, options.capacity ?? 900);
  }

  /** Adds the interval since the previous snapshot; the first snapshot only sets the baseline. */
  sample(snapshot: MetricsSnapshot): HistorySample | undefined {
    const previous = this.previous;
    this.previous = snapshot;
    if (!previous || snapshot.at <= previous.at) return undefined;
    const point = computeSample(previous, snapshot);
    this.ring.push(point);
    if (this.ring.length > this.capacity) this.ring.splice(0, this.ring.length - this.capacity);
    return point;
  }

  /** Samples oldest first; with `since`, only those after that time. */
  samples(since?: number): HistorySample[] {
    return since === undefined ? [...this.ring] : this.ring.filter((point) => point.t > since);
  }
}

function computeSample(previous: MetricsSnapshot, current: MetricsSnapshot): HistorySample {
  const seconds = (current.at - previous.at) / 1000;
  const before = indexSeries(previous.counters);
  const increase = (series: Series<number>) => {
    const old = before.get(seriesId(series)) ?? 0;
    // A smaller value means the metrics were replaced (restart): count from zero, as Prometheus does.
    return series.value >= old ? series.value - old : series.value;
  };
  const rate = (series: Series<number>) => round(increase(series) / seconds);
  const total = {
    records: 0,
    bytes: 0,
    throttled: 0,
    errors: 0,
    retries: 0,
    rowsRead: 0,
    rowsRejected: 0,
    recordsFailed: 0,
  };
  const streams: Record<string, StreamRates> = {};
  const shards: HistorySample['shards'] = {};
  const stream = (name: string) => {
    streams[name] ??= { records: 0, bytes: 0, throttled: 0, errors: 0, p50: null, p95: null };
    return streams[name];
  };
  const shard = (streamName: string, shardId: string) => {
    const key = `${streamName} ${shardId}`;
    shards[key] ??= { stream: streamName, shard: shardId, records: 0, bytes: 0 };
    return shards[key];
  };
  for (const series of current.counters) {
    const value = rate(series);
    const streamName = series.labels.stream;
    switch (series.name) {
      case Metric.recordsPut:
      case Metric.bytesPut: {
        const field = series.name === Metric.recordsPut ? 'records' : 'bytes';
        total[field] += value;
        if (streamName !== undefined) {
          stream(streamName)[field] += value;
          if (series.labels.shard !== undefined) shard(streamName, series.labels.shard)[field] += value;
        }
        break;
      }
      case Metric.recordsThrottled:
      case Metric.recordErrors: {
        const field = series.name === Metric.recordsThrottled ? 'throttled' : 'errors';
        total[field] += value;
        if (streamName !== undefined) stream(streamName)[field] += value;
        break;
      }
      case Metric.retries:
        total.retries += value;
        break;
      case Metric.rowsRead:
        total.rowsRead += value;
        break;
      case Metric.rowsRejected:
        total.rowsRejected += value;
        break;
      case Metric.recordsFailed:
        total.recordsFailed += value;
        break;
    }
  }
  for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] = round(total[key]);

  const latencyBefore = indexSeries(previous.histograms.filter((s) => s.name === Metric.putLatencySeconds));
  const intervalLatency = current.histograms
    .filter((series) => series.name === Metric.putLatencySeconds)
    .map((series) => ({ series, delta: histogramIncrease(latencyBefore.get(seriesId(series)), series.value) }));
  for (const { series, delta } of intervalLatency) {
    if (series.labels.stream === undefined || delta.count === 0) continue;
    const rates = stream(series.labels.stream);
    rates.p50 = quantile(delta, 0.5);
    rates.p95 = quantile(delta, 0.95);
  }
  const overall = mergeHistograms(intervalLatency.map(({ delta }) => delta));

  let backlogFiles = 0;
  let backlogBytes = 0;
  let oldestAgeSeconds = 0;
  let inflight = 0;
  for (const series of current.gauges) {
    if (series.name === Metric.backlogFiles) backlogFiles += series.value;
    else if (series.name === Metric.backlogBytes) backlogBytes += series.value;
    else if (series.name === Metric.oldestFileAgeSeconds) oldestAgeSeconds = Math.max(oldestAgeSeconds, series.value);
    else if (series.name === Metric.inflightRequests) inflight += series.value;
  }
  return {
    t: current.at,
    seconds: round(seconds),
    total,
    latency: { p50: overall ? quantile(overall, 0.5) : null, p95: overall ? quantile(overall, 0.95) : null },
    streams,
    shards,
    backlog: { files: backlogFiles, bytes: backlogBytes, oldestAgeSeconds },
    inflight,
  };
}

function histogramIncrease(before: HistogramValue | undefined, after: HistogramValue): HistogramValue {
  if (!before || before.count > after.count || before.buckets.join() !== after.buckets.join()) return after;
  return {
    buckets: after.buckets,
    counts: after.counts.map((count, i) => count - before.counts[i]),
    sum: after.sum - before.sum,
    count: after.count - before.count,
  };
}

function quantile(histogram: HistogramValue, q: number): number | null {
  const value = histogramQuantile(histogram, q);
  return value === undefined ? null : round(value);
}

function indexSeries<T>(series: Series<T>[]): Map<string, T> {
  return new Map(series.map((s) => [seriesId(s), s.value]));
}

function seriesId(series: Series<unknown>): string {
  const keys = Object.keys(series.labels).sort();
  return `${series.name}{${keys.map((k) => `${k}=${series.labels[k]}`).join(',')}}`;
}

/** Six significant decimals keep the JSON small without visible loss on the charts. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
