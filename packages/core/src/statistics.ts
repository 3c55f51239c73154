/** Label set of one series, e.g. `{ stream: 'dm-trend', shard: 'shardId-000000000000' }`. */
export type Labels = Readonly<Record<string, string>>;

/**
 * Names of the built-in series. Counters end in `_total`; the Prometheus exporter prefixes `offloader_`.
 * Plugins may add their own names; keep them lower_snake_case.
 */
export const Metric = {
  // sources, label `source`
  filesSeen: 'files_seen_total',
  filesDone: 'files_done_total',
  filesQuarantined: 'files_quarantined_total',
  rowsRead: 'rows_read_total',
  rowsRejected: 'rows_rejected_total',
  backlogFiles: 'backlog_files',
  backlogBytes: 'backlog_bytes',
  oldestFileAgeSeconds: 'oldest_file_age_seconds',
  // pipeline, label `source`
  recordsIn: 'records_in_total',
  recordsDelivered: 'records_delivered_total',
  recordsFiltered: 'records_filtered_total',
  recordsRejected: 'records_rejected_total',
  recordsFailed: 'records_failed_total',
  bufferedRecords: 'buffered_records',
  // sink, labels `stream` (+ `shard`, `code`)
  recordsPut: 'records_put_total',
  bytesPut: 'bytes_put_total',
  recordsThrottled: 'records_throttled_total',
  recordErrors: 'record_errors_total',
  retries: 'retries_total',
  putRequests: 'put_requests_total',
  putLatencySeconds: 'put_latency_seconds',
  inflightRequests: 'inflight_requests',
  concurrency: 'concurrency_limit',
} as const;

/** Upper bounds of the latency histogram buckets, in seconds. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface HistogramValue {
  buckets: number[];
  counts: number[];
  sum: number;
  count: number;
}

export interface Series<T> {
  name: string;
  labels: Labels;
  value: T;
}

export interface StatisticsSnapshot {
  at: number;
  counters: Series<number>[];
  gauges: Series<number>[];
  histograms: Series<HistogramValue>[];
}

function seriesKey(name: string, labels: Labels): string {
  const keys = Object.keys(labels).sort();
  return keys.length === 0 ? name : `${name}{${keys.map((k) => `${k}=${labels[k]}`).join(',')}}`;
}

/**
 * In-process statistics: counters, gauges and histograms keyed by name and labels. One instance per pipeline
 * (resolve `Tokens.Statistics`); exporters (summary, /metrics, dashboard) read `snapshot()`.
 */
export class Statistics {
  private readonly counters = new Map<string, Series<number>>();
  private readonly gauges = new Map<string, Series<number>>();
  private readonly histograms = new Map<string, Series<HistogramValue>>();

  /**
   * Raises a counter. Counters only go up (Prometheus `rate()` reads a decrease as a restart), so zero,
   * negative and non-finite amounts are ignored.
   */
  add(name: string, labels: Labels = {}, amount = 1): void {
    if (!(amount > 0) || amount === Number.POSITIVE_INFINITY) return;
    const key = seriesKey(name, labels);
    const series = this.counters.get(key);
    if (series) series.value += amount;
    else this.counters.set(key, { name, labels: { ...labels }, value: amount });
  }

  set(name: string, labels: Labels, value: number): void {
    const key = seriesKey(name, labels);
    const series = this.gauges.get(key);
    if (series) series.value = value;
    else this.gauges.set(key, { name, labels: { ...labels }, value });
  }

  /** Adds `delta` to a gauge (in-flight counts). */
  shift(name: string, labels: Labels, delta: number): void {
    this.set(name, labels, (this.gauges.get(seriesKey(name, labels))?.value ?? 0) + delta);
  }

  /**
   * Records one observation in a histogram. `buckets` (ascending upper bounds) only count when the series is
   * created; values above the last bound are counted in `count` and `sum` only (the `+Inf` bucket).
   */
  observe(name: string, labels: Labels, value: number, buckets: number[] = LATENCY_BUCKETS): void {
    if (!Number.isFinite(value)) return;
    const key = seriesKey(name, labels);
    let series = this.histograms.get(key);
    if (!series) {
      series = {
        name,
        labels: { ...labels },
        value: { buckets: [...buckets], counts: new Array(buckets.length).fill(0), sum: 0, count: 0 },
      };
      this.histograms.set(key, series);
    }
    const histogram = series.value;
    histogram.sum += value;
    histogram.count += 1;
    const index = histogram.buckets.findIndex((bound) => value <= bound);
    if (index >= 0) histogram.counts[index] += 1;
  }

  /** Value of one counter series, 0 when it never moved. */
  counter(name: string, labels: Labels = {}): number {
    return this.counters.get(seriesKey(name, labels))?.value ?? 0;
  }

  gauge(name: string, labels: Labels = {}): number | undefined {
    return this.gauges.get(seriesKey(name, labels))?.value;
  }

  /** Sum of a counter over every series whose labels include `filter`. */
  total(name: string, filter: Labels = {}): number {
    let sum = 0;
    for (const series of this.counters.values()) {
      if (series.name === name && matches(series.labels, filter)) sum += series.value;
    }
    return sum;
  }

  /** A deep copy of every series, safe to keep while the statistics move on. */
  snapshot(): StatisticsSnapshot {
    const copy = <T>(map: Map<string, Series<T>>) =>
      [...map.values()].map((s) => ({ name: s.name, labels: { ...s.labels }, value: structuredClone(s.value) }));
    return {
      at: Date.now(),
      counters: copy(this.counters),
      gauges: copy(this.gauges),
      histograms: copy(this.histograms),
    };
  }
}

function matches(labels: Labels, filter: Labels): boolean {
  for (const [key, value] of Object.entries(filter)) if (labels[key] !== value) return false;
  return true;
}

/**
 * Estimates the `q`-quantile (0..1) of a histogram the way Prometheus' `histogram_quantile()` does: find the
 * bucket holding the rank and interpolate linearly inside it. `undefined` when the histogram is empty; the
 * last finite bound when the rank falls in the `+Inf` bucket.
 */
export function histogramQuantile(histogram: HistogramValue, q: number): number | undefined {
  if (histogram.count <= 0) return undefined;
  const rank = Math.min(Math.max(q, 0), 1) * histogram.count;
  let below = 0;
  for (let i = 0; i < histogram.buckets.length; i++) {
    const inBucket = histogram.counts[i];
    if (inBucket > 0 && below + inBucket >= rank) {
      const lower = i === 0 ? 0 : histogram.buckets[i - 1];
      return lower + (histogram.buckets[i] - lower) * ((rank - below) / inBucket);
    }
    below += inBucket;
  }
  return histogram.buckets[histogram.buckets.length - 1];
}

/** Sums histograms with the same bucket bounds (e.g. every stream's put latency); `undefined` when none. */
export function mergeHistograms(histograms: readonly HistogramValue[]): HistogramValue | undefined {
  if (histograms.length === 0) return undefined;
  const merged: HistogramValue = {
    buckets: [...histograms[0].buckets],
    counts: new Array(histograms[0].buckets.length).fill(0),
    sum: 0,
    count: 0,
  };
  for (const histogram of histograms) {
    if (histogram.buckets.join() !== merged.buckets.join()) continue;
    histogram.counts.forEach((count, i) => {
      merged.counts[i] += count;
    });
    merged.sum += histogram.sum;
    merged.count += histogram.count;
  }
  return merged;
}
