import { Counter, Gauge, Histogram, type MetricObjectWithValues, type MetricValue, Registry } from 'prom-client';

/** Label set of one series, e.g. `{ stream: 'dm-trend', shard: 'shardId-000000000000' }`. */
export type Labels = Readonly<Record<string, string>>;

/**
 * Names of the built-in series, without the `offloader_` prefix the registry adds. Counters end in `_total`.
 * Plugins may add their own with {@link Metrics.define}; keep them lower_snake_case.
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
  // sink, labels `stream` and `shard` (+ `code`)
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

/** Prefix of every Offloader series in the exposition. */
export const METRIC_PREFIX = 'offloader_';

/** Upper bounds of the latency histogram buckets, in seconds. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What a series family is: its kind, the labels it may carry and its HELP text. */
export interface MetricDefinition {
  name: string;
  kind: 'counter' | 'gauge' | 'histogram';
  help: string;
  labelNames: readonly string[];
  /** Histogram bucket upper bounds; default {@link LATENCY_BUCKETS}. */
  buckets?: readonly number[];
}

const SOURCE = ['source'];
const SHARD = ['stream', 'shard'];
const BUILT_IN: readonly MetricDefinition[] = [
  { name: Metric.filesSeen, kind: 'counter', labelNames: SOURCE, help: 'Input files discovered by the source.' },
  {
    name: Metric.filesDone,
    kind: 'counter',
    labelNames: SOURCE,
    help: 'Input files fully delivered (every record acknowledged).',
  },
  { name: Metric.filesQuarantined, kind: 'counter', labelNames: SOURCE, help: 'Input files moved to quarantine.' },
  { name: Metric.rowsRead, kind: 'counter', labelNames: SOURCE, help: 'Rows read from input files.' },
  {
    name: Metric.rowsRejected,
    kind: 'counter',
    labelNames: SOURCE,
    help: 'Rows that could not be turned into records (invalid).',
  },
  { name: Metric.backlogFiles, kind: 'gauge', labelNames: SOURCE, help: 'Input files waiting to be delivered.' },
  {
    name: Metric.backlogBytes,
    kind: 'gauge',
    labelNames: SOURCE,
    help: 'Bytes of input files waiting to be delivered.',
  },
  {
    name: Metric.oldestFileAgeSeconds,
    kind: 'gauge',
    labelNames: SOURCE,
    help: 'Age of the oldest input file still waiting, in seconds.',
  },
  { name: Metric.recordsIn, kind: 'counter', labelNames: SOURCE, help: 'Records the source handed to the pipeline.' },
  { name: Metric.recordsDelivered, kind: 'counter', labelNames: SOURCE, help: 'Records acknowledged as delivered.' },
  {
    name: Metric.recordsFiltered,
    kind: 'counter',
    labelNames: SOURCE,
    help: 'Records dropped on purpose by a transformer.',
  },
  {
    name: Metric.recordsRejected,
    kind: 'counter',
    labelNames: SOURCE,
    help: 'Records rejected as undeliverable (quarantined).',
  },
  {
    name: Metric.recordsFailed,
    kind: 'counter',
    labelNames: SOURCE,
    help: 'Records not delivered now; kept for a later attempt.',
  },
  {
    name: Metric.bufferedRecords,
    kind: 'gauge',
    labelNames: [],
    help: 'Records waiting in the pipeline for a sink write.',
  },
  {
    name: Metric.recordsPut,
    kind: 'counter',
    labelNames: SHARD,
    help: 'Records accepted by the stream, per shard (IncomingRecords as seen by the producer).',
  },
  {
    name: Metric.bytesPut,
    kind: 'counter',
    labelNames: SHARD,
    help: 'Payload bytes accepted by the stream, per shard (IncomingBytes as seen by the producer).',
  },
  {
    name: Metric.recordsThrottled,
    kind: 'counter',
    labelNames: SHARD,
    help: 'Records refused with ProvisionedThroughputExceeded (WriteProvisionedThroughputExceeded), per shard.',
  },
  {
    name: Metric.recordErrors,
    kind: 'counter',
    labelNames: [...SHARD, 'code'],
    help: 'Records refused by the stream or by the sink, by error code, per shard.',
  },
  {
    name: Metric.retries,
    kind: 'counter',
    labelNames: SHARD,
    help: 'Records sent again after a throttle or a transient error, per shard.',
  },
  { name: Metric.putRequests, kind: 'counter', labelNames: ['stream'], help: 'PutRecords requests sent.' },
  {
    name: Metric.putLatencySeconds,
    kind: 'histogram',
    labelNames: SHARD,
    help: 'Duration of PutRecords requests carrying records for the shard, in seconds (PutRecords.Latency as seen by the producer).',
  },
  { name: Metric.inflightRequests, kind: 'gauge', labelNames: ['stream'], help: 'PutRecords requests in flight.' },
  {
    name: Metric.concurrency,
    kind: 'gauge',
    labelNames: ['sink'],
    help: 'PutRecords requests allowed in flight now (lowered while throttled).',
  },
];

/** Families labelled by `source` only: created at 0 for every source when a pipeline starts. */
export const SOURCE_METRICS: readonly string[] = BUILT_IN.filter(
  (definition) => definition.labelNames.length === 1 && definition.labelNames[0] === 'source',
).map((definition) => definition.name);

/** Families labelled by `stream` and `shard`: a sink creates them at 0 for every shard it knows. */
export const SHARD_METRICS: readonly string[] = BUILT_IN.filter(
  (definition) => definition.labelNames.join() === SHARD.join(),
).map((definition) => definition.name);

/** Shard label of series whose shard is not known (a whole request failed before Kinesis placed its records). */
export const UNKNOWN_SHARD = 'unknown';

/** Sample values of one histogram series; `counts[i]` holds the observations in bucket `i` only. */
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

/** Every series at one moment, names without the prefix. */
export interface MetricsSnapshot {
  at: number;
  counters: Series<number>[];
  gauges: Series<number>[];
  histograms: Series<HistogramValue>[];
}

/**
 * The pipeline's metrics: a facade over one prom-client `Registry` per pipeline. Series are created at 0 by
 * {@link Metrics.touch} so dashboards show 0, not "no data", for what has not happened yet.
 */
export interface Metrics {
  /** The prom-client registry (`registry.metrics()` is the `/metrics` body). */
  readonly registry: Registry;
  /** Declares a plugin-defined family; built-in families are declared already. */
  define(definition: MetricDefinition): void;
  /** Raises a counter; zero, negative and non-finite amounts are ignored (counters only go up). */
  add(name: string, labels?: Labels, amount?: number): void;
  set(name: string, labels: Labels, value: number): void;
  /** Adds `delta` to a gauge (in-flight counts). */
  shift(name: string, labels: Labels, delta: number): void;
  observe(name: string, labels: Labels, value: number): void;
  /** Creates the series at 0 when it does not exist yet. */
  touch(name: string, labels: Labels): void;
  /** Value of one counter or gauge series (0 when absent). */
  value(name: string, labels?: Labels): Promise<number>;
  /** Sum of a counter or gauge over every series whose labels include `filter`. */
  total(name: string, filter?: Labels): Promise<number>;
  snapshot(): Promise<MetricsSnapshot>;
}

type Family = Counter<string> | Gauge<string> | Histogram<string>;

/** {@link Metrics} on a prom-client registry of its own. */
export class PromMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly families = new Map<string, { definition: MetricDefinition; metric: Family }>();

  constructor(definitions: readonly MetricDefinition[] = BUILT_IN) {
    for (const definition of definitions) this.define(definition);
  }

  define(definition: MetricDefinition): void {
    if (this.families.has(definition.name)) return;
    const config = {
      name: METRIC_PREFIX + definition.name.replace(/[^a-zA-Z0-9_:]/g, '_'),
      help: definition.help,
      labelNames: [...definition.labelNames],
      registers: [this.registry],
    };
    const metric =
      definition.kind === 'counter'
        ? new Counter(config)
        : definition.kind === 'gauge'
          ? new Gauge(config)
          : new Histogram({ ...config, buckets: [...(definition.buckets ?? LATENCY_BUCKETS)] });
    this.families.set(definition.name, { definition, metric });
  }

  add(name: string, labels: Labels = {}, amount = 1): void {
    if (!(amount > 0) || amount === Number.POSITIVE_INFINITY) return;
    (this.family(name, 'counter', labels) as Counter<string>).inc({ ...labels }, amount);
  }

  set(name: string, labels: Labels, value: number): void {
    (this.family(name, 'gauge', labels) as Gauge<string>).set({ ...labels }, value);
  }

  shift(name: string, labels: Labels, delta: number): void {
    (this.family(name, 'gauge', labels) as Gauge<string>).inc({ ...labels }, delta);
  }

  observe(name: string, labels: Labels, value: number): void {
    if (!Number.isFinite(value)) return;
    (this.family(name, 'histogram', labels) as Histogram<string>).observe({ ...labels }, value);
  }

  touch(name: string, labels: Labels): void {
    const family = this.families.get(name);
    if (!family) return;
    if (family.metric instanceof Histogram) family.metric.zero({ ...labels });
    else family.metric.inc({ ...labels }, 0);
  }

  async value(name: string, labels: Labels = {}): Promise<number> {
    const values = await this.valuesOf(name);
    return values.find((value) => sameLabels(value.labels, labels))?.value ?? 0;
  }

  async total(name: string, filter: Labels = {}): Promise<number> {
    let sum = 0;
    for (const value of await this.valuesOf(name)) if (includes(value.labels, filter)) sum += value.value;
    return sum;
  }

  async snapshot(): Promise<MetricsSnapshot> {
    const at = Date.now();
    const snapshot: MetricsSnapshot = { at, counters: [], gauges: [], histograms: [] };
    for (const [name, { metric }] of this.families) {
      const read = (await metric.get()) as MetricObjectWithValues<MetricValue<string>>;
      if (metric instanceof Histogram) snapshot.histograms.push(...histogramSeries(name, read.values));
      else {
        const target = metric instanceof Counter ? snapshot.counters : snapshot.gauges;
        for (const value of read.values) target.push({ name, labels: stringLabels(value.labels), value: value.value });
      }
    }
    return snapshot;
  }

  private async valuesOf(name: string): Promise<{ labels: Labels; value: number }[]> {
    const family = this.families.get(name);
    if (!family || family.metric instanceof Histogram) return [];
    const read = (await family.metric.get()) as MetricObjectWithValues<MetricValue<string>>;
    return read.values.map((value) => ({ labels: stringLabels(value.labels), value: value.value }));
  }

  /** The family of `name`; an unknown name is declared from its first use (labels as given, generic HELP). */
  private family(name: string, kind: MetricDefinition['kind'], labels: Labels): Family {
    let family = this.families.get(name);
    if (!family) {
      this.define({ name, kind, labelNames: Object.keys(labels), help: `Offloader metric ${name}.` });
      family = this.families.get(name)!;
    }
    return family.metric;
  }
}

function histogramSeries(name: string, values: MetricValue<string>[]): Series<HistogramValue>[] {
  const byLabels = new Map<string, Series<HistogramValue> & { cumulative: Map<number, number> }>();
  for (const value of values) {
    const { le, ...rest } = value.labels as Record<string, string | number>;
    const labels = stringLabels(rest);
    const key = JSON.stringify(Object.entries(labels).sort());
    let series = byLabels.get(key);
    if (!series) {
      series = { name, labels, value: { buckets: [], counts: [], sum: 0, count: 0 }, cumulative: new Map() };
      byLabels.set(key, series);
    }
    const metricName = (value as { metricName?: string }).metricName ?? '';
    if (metricName.endsWith('_sum')) series.value.sum = value.value;
    else if (metricName.endsWith('_count')) series.value.count = value.value;
    else if (le !== '+Inf' && le !== undefined) series.cumulative.set(Number(le), value.value);
  }
  return [...byLabels.values()].map(({ cumulative, ...series }) => {
    const buckets = [...cumulative.keys()].sort((a, b) => a - b);
    let below = 0;
    const counts = buckets.map((bound) => {
      const inBucket = (cumulative.get(bound) ?? 0) - below;
      below += inBucket;
      return inBucket;
    });
    return { ...series, value: { ...series.value, buckets, counts } };
  });
}

function stringLabels(labels: Partial<Record<string, string | number>>): Labels {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) if (value !== undefined) out[key] = String(value);
  return out;
}

function sameLabels(a: Labels, b: Labels): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

function includes(labels: Labels, filter: Labels): boolean {
  for (const [key, value] of Object.entries(filter)) if (labels[key] !== value) return false;
  return true;
}
