import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatchingPolicy, OffloadRecord, RecordOutcome, Sink, Source, SourceBatch } from '@offloader/core';
import {
  EventLog,
  Metric,
  type Metrics,
  NullSink,
  PipelineRunner,
  PromMetrics,
  type RunSummary,
  silentLogger,
  systemClock,
} from '@offloader/core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StatusServer, startStatusServer } from '../src/server.js';
import { type BrowserLaunch, isCi, launchChromium } from './browser.js';

const SHARDS = 4;

/** Emits rows of two routes at a varying pace until stopped, like a source working through a backlog. */
class PacedSource implements Source {
  readonly id = 'dm-csv';
  constructor(
    private readonly metrics: Metrics,
    private readonly events: EventLog,
  ) {}

  async *read(signal: AbortSignal): AsyncIterable<SourceBatch> {
    let line = 2;
    let waiting = 400;
    for (let tick = 0; !signal.aborted; tick++) {
      const size = 20 + Math.round(15 * Math.sin(tick / 6));
      const records: OffloadRecord[] = [];
      for (let i = 0; i < size; i++, line++) {
        const route = line % 5 === 0 ? 'alarm' : 'data';
        records.push({
          route,
          value: { DMAID: 346, EID: line % 37, PID: 1000 + (line % 11), VALUE: String(line) },
          partitionKey: `346/${line % 37}`,
          origin: { sourceId: this.id, file: 'C:\\Skyline\\Offload\\data_0001.csv', line },
        });
      }
      this.metrics.add(Metric.rowsRead, { source: this.id }, size);
      if (tick % 25 === 3) {
        this.metrics.add(Metric.rowsRejected, { source: this.id }, 1);
        this.events.emit({
          severity: 'warning',
          source: this.id,
          code: 'ROW_INVALID',
          message: 'column VALUE is empty',
          file: 'C:\\Skyline\\Offload\\data_0001.csv',
          record: `line ${line}`,
        });
      }
      waiting = Math.max(0, waiting - 1);
      this.metrics.set(Metric.backlogFiles, { source: this.id }, Math.ceil(waiting / 40));
      this.metrics.set(Metric.backlogBytes, { source: this.id }, waiting * 52_000);
      this.metrics.set(Metric.oldestFileAgeSeconds, { source: this.id }, 95 + tick / 10);
      yield { records, ack: () => {} };
      await systemClock.sleep(25, signal);
    }
  }
}

/**
 * The built-in null sink, with the per-stream and per-shard bookkeeping the Kinesis sink does from the
 * PutRecords result (shard = hash of the partition key), plus a throttled phase.
 */
class ShardedNullSink implements Sink {
  private readonly inner = new NullSink();
  readonly batching: BatchingPolicy = { ...this.inner.batching, maxRecords: 50, lingerMs: 20, keyOf: (r) => r.route };
  private writes = 0;
  private throttling = false;

  constructor(
    private readonly metrics: Metrics,
    private readonly events: EventLog,
  ) {}

  async write(records: OffloadRecord[], signal: AbortSignal): Promise<RecordOutcome[]> {
    const stream = records[0].route === 'alarm' ? 'dm-alarm' : 'dm-trend';
    const started = performance.now();
    const outcomes = await this.inner.write(records);
    await systemClock.sleep(5 + (this.writes % 7) * 4, signal);
    this.writes++;
    const throttled = this.writes % 40 >= 30 && stream === 'dm-trend' ? Math.ceil(records.length / 5) : 0;
    if (throttled > 0) {
      this.metrics.add(Metric.recordsThrottled, { stream }, throttled);
      this.metrics.add(Metric.retries, { stream }, throttled);
    }
    if (stream === 'dm-trend' && throttled > 0 !== this.throttling) {
      this.throttling = throttled > 0;
      this.events.emit({
        severity: this.throttling ? 'warning' : 'info',
        source: 'kinesis',
        code: this.throttling ? 'THROTTLING_STARTED' : 'THROTTLING_ENDED',
        message: this.throttling
          ? `${stream}: WriteProvisionedThroughputExceeded, lowering concurrency`
          : `${stream}: writes accepted again`,
      });
    }
    this.metrics.add(Metric.putRequests, { stream }, 1);
    this.metrics.observe(Metric.putLatencySeconds, { stream }, (performance.now() - started) / 1000);
    return outcomes.map((outcome, i) => {
      const record = records[i];
      const digest = createHash('md5')
        .update(record.partitionKey ?? '')
        .digest();
      const shard = `shardId-${String(digest[0] % SHARDS).padStart(12, '0')}`;
      this.metrics.add(Metric.recordsPut, { stream, shard }, 1);
      this.metrics.add(Metric.bytesPut, { stream, shard }, record.data?.byteLength ?? 0);
      return { ...outcome, stream, shardId: shard } as RecordOutcome;
    });
  }

  maxInFlight(): number {
    return 2;
  }
}

describe('dashboard page in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'offloader-dashboard-'));
  const screenshotDir = process.env.OFFLOADER_SCREENSHOT_DIR ?? join(dir, 'screenshots');
  const metrics = new PromMetrics();
  const events = new EventLog(
    { maxRows: 200, maxAgeHours: 24, aggregateWindowMs: 60_000, file: join(dir, 'events.jsonl') },
    systemClock,
  );
  const stop = new AbortController();
  let server: StatusServer;
  let running: Promise<RunSummary>;

  let launch: BrowserLaunch;

  beforeAll(async () => {
    launch = await launchChromium();
    if (!launch.ok) return;
    const services = { logger: silentLogger(), metrics, events };
    const runner = new PipelineRunner(
      'dashboard-test',
      {
        sources: [{ id: 'dm-csv', type: 'paced', instance: new PacedSource(metrics, events) }],
        transformers: [],
        sink: { id: 'kinesis', type: 'sharded-null', instance: new ShardedNullSink(metrics, events) },
      },
      services,
    );
    running = runner.run(stop.signal);
    server = await startStatusServer({
      port: 0,
      metrics,
      events,
      logger: silentLogger(),
      title: 'dashboard-test',
      sampleIntervalMs: 250,
      health: () => ({ status: 'degraded', live: true, ready: true, reasons: ['throttled on dm-trend'] }),
    });
  });

  afterAll(async () => {
    if (launch?.ok) await launch.browser.close();
    stop.abort();
    await running;
    await server?.close();
    if (!process.env.OFFLOADER_SCREENSHOT_DIR) rmSync(dir, { recursive: true, force: true });
  });

  it('draws the charts and the tables while records flow', async (context) => {
    if (!launch.ok) {
      // CI must run it; elsewhere the skip says why in the summary (never silently).
      if (isCi()) throw new Error(`${launch.reason} (CI=true: the page test may not skip)`);
      context.skip(launch.reason);
      return;
    }
    const browser: Browser = launch.browser;
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('request', (request) => {
        if (!request.url().startsWith(server.url)) problems.push(`external request: ${request.url()}`);
      });
      await page.goto(server.url, { waitUntil: 'load' });

      const wanted = { points: 6, shards: SHARDS, events: 3 };
      await page.waitForFunction(
        (want) => {
          const chart = (id: string) => {
            const figure = document.querySelector<HTMLElement>(`figure[data-chart="${id}"]`);
            return { points: Number(figure?.dataset.points), series: Number(figure?.dataset.series) };
          };
          const drawn = (id: string, series: number) => chart(id).points >= want.points && chart(id).series >= series;
          return (
            document.body.dataset.ready === '1' &&
            drawn('records-stream', 2) &&
            drawn('bytes-stream', 2) &&
            drawn('records-shard', want.shards) &&
            drawn('latency', 2) &&
            drawn('backlog-files', 1) &&
            document.querySelectorAll('#events tbody tr[data-severity]').length >= want.events
          );
        },
        wanted,
        { timeout: 20_000, polling: 200 },
      );

      const state = await page.evaluate(() => ({
        charts: Object.fromEntries(
          [...document.querySelectorAll<HTMLElement>('figure.chart')].map((f) => [
            f.dataset.chart,
            { points: Number(f.dataset.points), series: Number(f.dataset.series) },
          ]),
        ),
        eventCodes: [...document.querySelectorAll('#events tbody tr td.code')].map((td) => td.textContent),
        statisticsRows: document.querySelectorAll('#statistics tbody tr').length,
        recordsTile: document.querySelector('[data-tile="records"] .value')?.textContent,
        health: document.getElementById('health-status')?.textContent,
        horizontalOverflow: document.documentElement.scrollWidth - window.innerWidth,
        legend: [...document.querySelectorAll('figure[data-chart="records-shard"] .legend li')].map(
          (li) => li.textContent,
        ),
      }));
      expect(state.charts['records-shard'].series).toBe(SHARDS * 2);
      expect(state.charts['throttled'].points).toBeGreaterThanOrEqual(6);
      expect(state.eventCodes).toContain('PIPELINE_STARTED');
      expect(state.eventCodes).toContain('ROW_INVALID');
      expect(state.statisticsRows).toBeGreaterThanOrEqual(SHARDS * 4);
      expect(Number.parseFloat(state.recordsTile ?? '')).toBeGreaterThan(0);
      expect(state.health).toBe('degraded');
      expect(state.horizontalOverflow).toBeLessThanOrEqual(0);
      expect(state.legend).toContain('dm-trend / 000000000000');

      mkdirSync(screenshotDir, { recursive: true });
      const screenshot = join(screenshotDir, 'dashboard.png');
      await page.screenshot({ path: screenshot });
      await page.screenshot({ path: join(screenshotDir, 'dashboard-full.png'), fullPage: true });
      expect(existsSync(screenshot)).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await browser.contexts()[0]?.close();
    }
  });
});
