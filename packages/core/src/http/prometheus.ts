import { collectDefaultMetrics, Registry } from 'prom-client';
import { type HistogramValue, type Labels, Metric, type Series, type StatisticsSnapshot } from '../statistics.js';

/** Prefix of every Offloader series in the exposition. */
export const METRIC_PREFIX = 'offloader_';

/** Content type of the Prometheus text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** HELP text of the built-in series; plugin-defined series get a generic one. */
export const METRIC_HELP: Readonly<Record<string, string>> = {
  [Metric.filesSeen]: 'Input files discovered by the source.',
  [Metric.filesDone]: 'Input files fully delivered (every record acknowledged).',
  [Metric.filesQuarantined]: 'Input files moved to quarantine.',
  [Metric.rowsRead]: 'Rows read from input files.',
  [Metric.rowsRejected]: 'Rows that could not be turned into records (invalid).',
  [Metric.backlogFiles]: 'Input files waiting to be delivered.',
  [Metric.backlogBytes]: 'Bytes of input files waiting to be delivered.',
  [Metric.oldestFileAgeSeconds]: 'Age of the oldest input file still waiting, in seconds.',
  [Metric.recordsIn]: 'Records the source handed to the pipeline.',
  [Metric.recordsDelivered]: 'Records acknowledged as delivered.',
  [Metric.recordsFiltered]: 'Records dropped on purpose by a transformer.',
  [Metric.recordsRejected]: 'Records rejected as undeliverable (quarantined).',
  [Metric.recordsFailed]: 'Records not delivered now; kept for a later attempt.',
  [Metric.bufferedRecords]: 'Records waiting in the pipeline for a sink write.',
  [Metric.recordsPut]: 'Records accepted by the stream, per shard (IncomingRecords as seen by the producer).',
  [Metric.bytesPut]: 'Payload bytes accepted by the stream, per shard (IncomingBytes as seen by the producer).',
  [Metric.recordsThrottled]: 'Records refused with ProvisionedThroughputExceeded (WriteProvisionedThroughputExceeded).',
  [Metric.recordErrors]: 'Records refused by the stream, by error code.',
  [Metric.retries]: 'Records sent again after a throttle or a transient error.',
  [Metric.putRequests]: 'PutRecords requests sent.',
  [Metric.putLatencySeconds]:
    'Duration of PutRecords requests, in seconds (PutRecords.Latency as seen by the producer).',
  [Metric.inflightRequests]: 'PutRecords requests in flight.',
  [Metric.concurrency]: 'PutRecords requests allowed in flight now (lowered while throttled).',
};

/**
 * Renders a statistics snapshot in the Prometheus text exposition format: one HELP and TYPE line per
 * family, series sorted by labels, histogram buckets cumulative with `le` and a `+Inf` bucket, `_sum` and
 * `_count`. Names get the `offloader_` prefix; characters Prometheus does not allow become `_`.
 */
export function renderPrometheus(snapshot: StatisticsSnapshot): string {
  const families = new Map<string, { type: 'counter' | 'gauge' | 'histogram'; lines: string[] }>();
  const family = (name: string, type: 'counter' | 'gauge' | 'histogram') => {
    let entry = families.get(name);
    if (!entry) {
      entry = { type, lines: [] };
      families.set(name, entry);
    }
    // One name, two kinds (a plugin bug): keep the first kind so the exposition stays parseable.
    return entry.type === type ? entry.lines : undefined;
  };
  for (const series of sortSeries(snapshot.counters)) {
    const name = metricName(series.name);
    family(name, 'counter')?.push(sample(name, series.labels, series.value));
  }
  for (const series of sortSeries(snapshot.gauges)) {
    const name = metricName(series.name);
    family(name, 'gauge')?.push(sample(name, series.labels, series.value));
  }
  for (const series of sortSeries(snapshot.histograms)) {
    const name = metricName(series.name);
    family(name, 'histogram')?.push(...histogramLines(name, series.labels, series.value));
  }
  const out: string[] = [];
  for (const name of [...families.keys()].sort()) {
    const { type, lines } = families.get(name)!;
    const bare = name.slice(METRIC_PREFIX.length);
    out.push(`# HELP ${name} ${escapeHelp(METRIC_HELP[bare] ?? `Offloader statistic ${bare}.`)}`);
    out.push(`# TYPE ${name} ${type}`);
    out.push(...lines);
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

function histogramLines(name: string, labels: Labels, histogram: HistogramValue): string[] {
  const lines: string[] = [];
  let cumulative = 0;
  histogram.buckets.forEach((bound, i) => {
    cumulative += histogram.counts[i];
    lines.push(sample(`${name}_bucket`, { ...labels, le: formatNumber(bound) }, cumulative));
  });
  lines.push(sample(`${name}_bucket`, { ...labels, le: '+Inf' }, histogram.count));
  lines.push(sample(`${name}_sum`, labels, histogram.sum));
  lines.push(sample(`${name}_count`, labels, histogram.count));
  return lines;
}

function sample(name: string, labels: Labels, value: number): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return `${name} ${formatNumber(value)}`;
  const pairs = keys.map((key) => `${labelName(key)}="${escapeLabelValue(labels[key])}"`);
  return `${name}{${pairs.join(',')}} ${formatNumber(value)}`;
}

function sortSeries<T>(series: Series<T>[]): Series<T>[] {
  const key = (s: Series<T>) =>
    Object.keys(s.labels)
      .sort()
      .map((k) => `${k}=${s.labels[k]}`)
      .join('\u0000');
  return [...series].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** `offloader_` + the name with characters outside `[a-zA-Z0-9_:]` replaced. */
export function metricName(name: string): string {
  return METRIC_PREFIX + name.replace(/[^a-zA-Z0-9_:]/g, '_');
}

function labelName(name: string): string {
  const safe = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(safe) ? `_${safe}` : safe;
}

/** Escapes a label value: backslash, double quote and line feed, as the text format requires. */
export function escapeLabelValue(value: string): string {
  return String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

let processRegistry: Registry | undefined;

/**
 * Node.js process metrics (CPU, memory, event-loop lag, GC) from prom-client's default collectors. They
 * describe the process, not a pipeline, and the collectors install process-wide hooks, so one registry is
 * shared by every status server in the process.
 */
export async function renderProcessMetrics(): Promise<string> {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry.metrics();
}
