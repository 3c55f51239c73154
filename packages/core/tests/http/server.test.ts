import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { EventLog } from '../../src/events.js';
import type { HealthReport } from '../../src/http/health.js';
import { type StatusServer, startStatusServer } from '../../src/http/server.js';
import { silentLogger } from '../../src/logger.js';
import { Metric, Statistics } from '../../src/statistics.js';
import { parsePrometheusText, sampleValue } from './prometheus-text.js';

let dir: string;
let server: StatusServer;
let statistics: Statistics;
let events: EventLog;
let health: HealthReport | (() => never);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'offloader-http-'));
  statistics = new Statistics();
  events = new EventLog(
    { maxRows: 5, maxAgeHours: 1, aggregateWindowMs: 0, file: join(dir, 'events.jsonl') },
    systemClock,
  );
  health = { status: 'ok', live: true, ready: true, reasons: [] };
  server = await startStatusServer({
    port: 0,
    statistics,
    events,
    logger: silentLogger(),
    title: 'trend <offload>',
    sampleIntervalMs: 100,
    health: () => (typeof health === 'function' ? health() : health),
  });
});

afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, init?: RequestInit) => fetch(server.url + path, init);

describe('status server', () => {
  it('binds 127.0.0.1 by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves /metrics as Prometheus text with exact values per stream and shard', async () => {
    const shards = ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002'];
    shards.forEach((shard, i) => {
      for (let put = 0; put <= i; put++) {
        statistics.add(Metric.recordsPut, { stream: 'dm-trend', shard }, 500);
        statistics.add(Metric.bytesPut, { stream: 'dm-trend', shard }, 500 * 270);
      }
    });
    statistics.add(Metric.recordsPut, { stream: 'dm-alarm', shard: shards[0] }, 3);
    statistics.add(Metric.recordsThrottled, { stream: 'dm-trend' }, 17);
    statistics.observe(Metric.putLatencySeconds, { stream: 'dm-trend' }, 0.12);

    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = parsePrometheusText(await res.text());
    expect(
      shards.map((shard) => sampleValue(families, 'offloader_records_put_total', { stream: 'dm-trend', shard })),
    ).toEqual([500, 1000, 1500]);
    expect(sampleValue(families, 'offloader_bytes_put_total', { stream: 'dm-trend', shard: shards[2] })).toBe(405_000);
    expect(sampleValue(families, 'offloader_records_put_total', { stream: 'dm-alarm', shard: shards[0] })).toBe(3);
    expect(sampleValue(families, 'offloader_records_throttled_total', { stream: 'dm-trend' })).toBe(17);
    expect(sampleValue(families, 'offloader_put_latency_seconds_bucket', { stream: 'dm-trend', le: '0.25' })).toBe(1);
    // prom-client's process metrics come along, and parse as well.
    expect(families.get('process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(families.get('nodejs_heap_size_used_bytes')?.type).toBe('gauge');
  });

  it.each<[string, HealthReport, number, number, number]>([
    ['ok', { status: 'ok', live: true, ready: true, reasons: [] }, 200, 200, 200],
    ['degraded', { status: 'degraded', live: true, ready: true, reasons: ['throttled on dm-trend'] }, 200, 200, 200],
    ['not ready', { status: 'down', live: true, ready: false, reasons: ['stream dm-trend not found'] }, 503, 200, 503],
    ['wedged', { status: 'down', live: false, ready: false, reasons: ['no progress for 300 s'] }, 503, 503, 503],
  ])('/health when %s', async (_name, report, overall, live, ready) => {
    health = report;
    const res = await get('/health');
    expect(res.status).toBe(overall);
    expect(await res.json()).toEqual(report);
    expect((await get('/health/live')).status).toBe(live);
    expect((await get('/health/ready')).status).toBe(ready);
  });

  it('/health answers 503 with the reason when the health check throws', async () => {
    health = () => {
      throw new Error('runner gone');
    };
    const res = await get('/health');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'down',
      live: false,
      ready: false,
      reasons: ['health check failed: runner gone'],
    });
  });

  it('/events returns rows newest first, bounded by the table, filtered by limit and severity', async () => {
    for (let i = 1; i <= 8; i++) {
      events.emit({ severity: i % 2 ? 'warning' : 'error', source: 'dm', code: `CODE_${i}`, message: `event ${i}` });
    }
    const all = (await (await get('/events')).json()) as { code: string }[];
    expect(all.map((row) => row.code)).toEqual(['CODE_8', 'CODE_7', 'CODE_6', 'CODE_5', 'CODE_4']);
    const limited = (await (await get('/events?limit=2')).json()) as { code: string }[];
    expect(limited.map((row) => row.code)).toEqual(['CODE_8', 'CODE_7']);
    const errors = (await (await get('/events?severity=error')).json()) as { code: string }[];
    expect(errors.map((row) => row.code)).toEqual(['CODE_8', 'CODE_6', 'CODE_4']);
    const worse = (await (await get('/events?minSeverity=error&limit=1')).json()) as { code: string }[];
    expect(worse.map((row) => row.code)).toEqual(['CODE_8']);
  });

  it.each(['limit=-1', 'limit=abc', 'limit=1.5', 'severity=loud', 'minSeverity=x'])(
    '/events?%s is a 400 with a message',
    async (query) => {
      const res = await get(`/events?${query}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/limit|severity/i);
    },
  );

  it('/api/stats returns the snapshot and the rate history, and only newer samples with since', async () => {
    statistics.add(Metric.recordsPut, { stream: 's', shard: 'shardId-0' }, 10);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const body = (await (await get('/api/stats')).json()) as {
      title: string;
      intervalMs: number;
      statistics: { counters: { name: string; value: number }[] };
      history: { t: number; shards: Record<string, { records: number }> }[];
    };
    expect(body.title).toBe('trend <offload>');
    expect(body.intervalMs).toBe(100);
    expect(body.statistics.counters).toEqual([
      { name: 'records_put_total', labels: { stream: 's', shard: 'shardId-0' }, value: 10 },
    ]);
    expect(body.history.length).toBeGreaterThanOrEqual(2);
    const last = body.history[body.history.length - 1].t;
    const newer = (await (await get(`/api/stats?since=${last}`)).json()) as { history: { t: number }[] };
    expect(newer.history.every((sample) => sample.t > last)).toBe(true);
  });

  it('/ is a self-contained page whose inline script and style the CSP allows by hash', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    const html = await res.text();
    const csp = res.headers.get('content-security-policy') ?? '';
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1];
    const style = /<style>([\s\S]*)<\/style>/.exec(html)![1];
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).toContain("connect-src 'self'");
    expect(html).toContain('trend &#60;offload&#62;');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html.match(/data-chart="/g)).toHaveLength(9);
  });

  it('answers 404 for unknown paths and 405 for other methods', async () => {
    expect((await get('/nope')).status).toBe(404);
    const post = await get('/events', { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await get('/metrics', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});
