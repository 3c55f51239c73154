import {
  type Clock,
  type HistogramValue,
  Metric,
  type Metrics,
  type MetricsSnapshot,
  systemClock,
} from '@offloader/core';
import { histogramQuantile, mergeHistograms } from './histograms.js';

/** What the reporter writes to: `process.stdout`, or a fake in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  /** Redraw one line in place when true; print periodic summary lines otherwise. */
  isTTY?: boolean;
  /** Terminal width; the line is cut to fit so it never wraps. */
  columns?: number;
}

/** Work still waiting, as the sources see it. */
export interface BacklogEstimate {
  files: number;
  bytes: number;
}

export interface ProgressOptions {
  metrics: Metrics;
  stream: ProgressStream;
  /** Remaining work; default: the sum of the sources' `backlog_files` and `backlog_bytes` gauges. */
  backlog?: () => BacklogEstimate;
  clock?: Pick<Clock, 'now'>;
  /** Redraw (TTY) or summary-line (otherwise) interval. Default 500 ms on a TTY, 10 s otherwise. */
  intervalMs?: number;
  /** Rates and ETA are measured over this window. Default 10 s. */
  rateWindowMs?: number;
}

/** One computed progress state; `fraction` and `etaSeconds` are undefined when they cannot be known yet. */
export interface ProgressState {
  fraction: number | undefined;
  etaSeconds: number | undefined;
  recordsPerSecond: number;
  bytesPerSecond: number;
  recordsPut: number;
  filesDone: number;
  backlog: BacklogEstimate;
  throttled: number;
  failed: number;
}

interface Point {
  t: number;
  records: number;
  bytes: number;
  consumed: number;
  files: number;
}

const BAR_WIDTH = 24;

/**
 * Shows how a run is going: on a TTY, one line redrawn in place (`\r`) with a bar, rates and ETA; elsewhere
 * (a pipe, a log file, a Windows service) one plain summary line every `intervalMs`. Progress is measured in
 * backlog bytes consumed (new files arriving raise the total, not the progress), falling back to files.
 */
export class ProgressReporter {
  private readonly clock: Pick<Clock, 'now'>;
  private readonly tty: boolean;
  private readonly intervalMs: number;
  private readonly rateWindowMs: number;
  private readonly points: Point[] = [];
  private consumedBytes = 0;
  private lastBacklogBytes: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ProgressOptions) {
    this.clock = options.clock ?? systemClock;
    this.tty = options.stream.isTTY === true;
    this.intervalMs = options.intervalMs ?? (this.tty ? 500 : 10_000);
    this.rateWindowMs = options.rateWindowMs ?? 10_000;
  }

  start(): void {
    if (this.timer) return;
    void this.measure();
    this.timer = setInterval(() => void this.update(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer; on a TTY draws the last state and ends the line so later output starts clean. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty && this.points.length > 0) {
      await this.update();
      this.options.stream.write('\n');
    }
  }

  /** Measures now and writes one update (what the timer does); returns the text written. */
  async update(): Promise<string> {
    const state = await this.measure();
    if (this.tty) {
      const width = Math.max(20, (this.options.stream.columns ?? 80) - 1);
      let line = formatProgressLine(state);
      if (line.length > width) line = `${line.slice(0, width - 1)}…`;
      const text = `\r${line}\x1b[K`;
      this.options.stream.write(text);
      return text;
    }
    const text = `${formatProgressSummary(state)}\n`;
    this.options.stream.write(text);
    return text;
  }

  /** Takes a measurement and computes rates and ETA over the rate window. */
  async measure(): Promise<ProgressState> {
    const snapshot = await this.options.metrics.snapshot();
    const total = (name: string) => totalOf(snapshot, name);
    const now = this.clock.now();
    const backlog = this.options.backlog?.() ?? backlogFromGauges(snapshot);
    if (this.lastBacklogBytes !== undefined && backlog.bytes < this.lastBacklogBytes) {
      this.consumedBytes += this.lastBacklogBytes - backlog.bytes;
    }
    this.lastBacklogBytes = backlog.bytes;
    const filesDone = total(Metric.filesDone) + total(Metric.filesQuarantined);
    const point: Point = {
      t: now,
      records: total(Metric.recordsPut),
      bytes: total(Metric.bytesPut),
      consumed: this.consumedBytes,
      files: filesDone,
    };
    this.points.push(point);
    while (this.points.length > 2 && now - this.points[1].t >= this.rateWindowMs) this.points.shift();
    const first = this.points[0];
    const seconds = (now - first.t) / 1000;
    const rate = (field: keyof Point) => (seconds > 0 ? (point[field] - first[field]) / seconds : 0);

    let fraction: number | undefined;
    let etaSeconds: number | undefined;
    if (this.consumedBytes + backlog.bytes > 0) {
      fraction = this.consumedBytes / (this.consumedBytes + backlog.bytes);
      etaSeconds = eta(backlog.bytes, rate('consumed'));
    } else if (filesDone + backlog.files > 0) {
      fraction = filesDone / (filesDone + backlog.files);
      etaSeconds = eta(backlog.files, rate('files'));
    }
    return {
      fraction,
      etaSeconds,
      recordsPerSecond: rate('records'),
      bytesPerSecond: rate('bytes'),
      recordsPut: point.records,
      filesDone,
      backlog,
      throttled: total(Metric.recordsThrottled),
      failed: total(Metric.recordErrors) + total(Metric.recordsFailed),
    };
  }
}

function eta(remaining: number, perSecond: number): number | undefined {
  if (remaining <= 0) return 0;
  return perSecond > 0 ? remaining / perSecond : undefined;
}

/** Sum of a counter over all its series. */
function totalOf(snapshot: MetricsSnapshot, name: string): number {
  return snapshot.counters.reduce((sum, series) => (series.name === name ? sum + series.value : sum), 0);
}

function backlogFromGauges(snapshot: MetricsSnapshot): BacklogEstimate {
  const backlog = { files: 0, bytes: 0 };
  for (const gauge of snapshot.gauges) {
    if (gauge.name === Metric.backlogFiles) backlog.files += gauge.value;
    else if (gauge.name === Metric.backlogBytes) backlog.bytes += gauge.value;
  }
  return backlog;
}

/** `[#########-----------]  42% | 12.3k rec/s | 1.2 MiB/s | ETA 1m05s | 3 files done, 4 waiting | ...` */
export function formatProgressLine(state: ProgressState): string {
  const filled = state.fraction === undefined ? 0 : Math.round(state.fraction * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  const percent = state.fraction === undefined ? '  ?%' : `${Math.floor(state.fraction * 100)}%`.padStart(4);
  return [
    `${bar} ${percent}`,
    `${formatCount(state.recordsPerSecond)} rec/s`,
    `${formatBytes(state.bytesPerSecond)}/s`,
    `ETA ${formatEta(state.etaSeconds)}`,
    `${state.filesDone} files done, ${state.backlog.files} waiting`,
    `${formatCount(state.recordsPut)} put`,
    `throttled ${formatCount(state.throttled)}`,
    `failed ${formatCount(state.failed)}`,
  ].join(' | ');
}

/** One plain line for logs and pipes; no control characters. */
export function formatProgressSummary(state: ProgressState): string {
  const percent = state.fraction === undefined ? 'progress unknown' : `${Math.floor(state.fraction * 100)}% done`;
  return (
    `progress: ${percent}, ETA ${formatEta(state.etaSeconds)}; ${grouped(state.recordsPut)} records put ` +
    `(${formatCount(state.recordsPerSecond)} rec/s, ${formatBytes(state.bytesPerSecond)}/s); files: ` +
    `${state.filesDone} done, ${state.backlog.files} waiting (${formatBytes(state.backlog.bytes)}); ` +
    `throttled ${grouped(state.throttled)}; failed ${grouped(state.failed)}`
  );
}

/**
 * The end-of-run report: per source files done/quarantined and rows read/rejected, per stream and shard
 * records, bytes, throttled and failed, and put latency p50/p95.
 */
export function formatRunSummary(snapshot: MetricsSnapshot, options: { durationMs?: number } = {}): string {
  const counter = (name: string, label: string, value: string) =>
    snapshot.counters.filter((s) => s.name === name && s.labels[label] === value).reduce((sum, s) => sum + s.value, 0);
  const labelValues = (names: string[], label: string) =>
    [...new Set(snapshot.counters.filter((s) => names.includes(s.name)).map((s) => s.labels[label]))]
      .filter((value): value is string => value !== undefined)
      .sort();
  const out: string[] = [];
  out.push(options.durationMs === undefined ? 'Run summary' : `Run summary (${formatEta(options.durationMs / 1000)})`);

  const sources = labelValues(
    [Metric.filesSeen, Metric.filesDone, Metric.filesQuarantined, Metric.rowsRead, Metric.recordsIn],
    'source',
  );
  out.push('', 'Sources');
  out.push(
    ...table(
      ['source', 'files done', 'quarantined', 'rows read', 'rows rejected', 'records failed'],
      sources.map((source) => [
        source,
        grouped(counter(Metric.filesDone, 'source', source)),
        grouped(counter(Metric.filesQuarantined, 'source', source)),
        grouped(counter(Metric.rowsRead, 'source', source)),
        grouped(counter(Metric.rowsRejected, 'source', source)),
        grouped(counter(Metric.recordsFailed, 'source', source)),
      ]),
    ),
  );

  const streams = labelValues([Metric.recordsPut, Metric.recordsThrottled, Metric.recordErrors], 'stream');
  const latency = (stream?: string): HistogramValue | undefined =>
    mergeHistograms(
      snapshot.histograms
        .filter((s) => s.name === Metric.putLatencySeconds && (stream === undefined || s.labels.stream === stream))
        .map((s) => s.value),
    );
  const rows: string[][] = [];
  for (const stream of streams) {
    const streamLatency = latency(stream);
    rows.push([
      stream,
      grouped(counter(Metric.recordsPut, 'stream', stream)),
      formatBytes(counter(Metric.bytesPut, 'stream', stream)),
      grouped(counter(Metric.recordsThrottled, 'stream', stream)),
      grouped(counter(Metric.recordErrors, 'stream', stream)),
      formatSeconds(streamLatency && histogramQuantile(streamLatency, 0.5)),
      formatSeconds(streamLatency && histogramQuantile(streamLatency, 0.95)),
    ]);
    const shards = snapshot.counters
      .filter((s) => s.name === Metric.recordsPut && s.labels.stream === stream && s.labels.shard !== undefined)
      .map((s) => s.labels.shard)
      .sort();
    for (const shard of shards) {
      const inShard = (name: string) =>
        snapshot.counters.find((s) => s.name === name && s.labels.stream === stream && s.labels.shard === shard)
          ?.value ?? 0;
      rows.push([`  ${shard}`, grouped(inShard(Metric.recordsPut)), formatBytes(inShard(Metric.bytesPut)), '', '']);
    }
  }
  out.push('', 'Streams and shards');
  out.push(...table(['stream / shard', 'records', 'bytes', 'throttled', 'failed', 'p50', 'p95'], rows));
  const all = latency();
  out.push(
    '',
    all && all.count > 0
      ? `Put latency: p50 ${formatSeconds(histogramQuantile(all, 0.5))}, p95 ${formatSeconds(histogramQuantile(all, 0.95))} over ${grouped(all.count)} requests`
      : 'Put latency: no requests',
  );
  return `${out.join('\n')}\n`;
}

function table(header: string[], rows: string[][]): string[] {
  if (rows.length === 0) return ['  (none)'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const render = (cells: string[]) =>
    `  ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : (cell ?? '').padStart(widths[i]))).join('  ')}`.trimEnd();
  return [render(header), ...rows.map(render)];
}

function grouped(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function formatCount(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  return value >= 100 || Number.isInteger(value) ? String(Math.round(value)) : value.toFixed(1);
}

/** Binary units, as the dashboard shows them. */
export function formatBytes(value: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return i === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[i]}`;
}

function formatSeconds(value: number | undefined): string {
  if (value === undefined) return '-';
  return value < 1 ? `${Math.round(value * 1000)} ms` : `${value.toFixed(2)} s`;
}

function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '--:--';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(h > 0 ? 2 : 1, '0')}m${String(s).padStart(2, '0')}s`;
  return h > 0 ? `${h}h${mmss}` : mmss;
}
