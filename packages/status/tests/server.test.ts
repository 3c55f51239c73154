import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HealthReport } from '@offloader/core';
import { ErrorCodes, EventLog, Metric, type Metrics, PromMetrics, silentLogger, systemClock } from '@offloader/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StatusServer, startStatusServer } from '../src/server.js';

let dir: string;
let server: StatusServer;
let metrics: Metrics;
let events: EventLog;
let health: HealthReport | (() => never);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'offloader-http-'));
  metrics = new PromMetrics();
  events = new EventLog(
    { maxRows: 5, maxAgeHours: 1, aggregateWindowMs: 0, file: join(dir, 'events.jsonl') },
    systemClock,
  );
  health = { status: 'ok', live: true, ready: true, reasons: [] };
  server = await startStatusServer({
    port: 0,
    metrics,
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

  it("serves /metrics: the pipeline registry's exposition, then prom-client's process metrics", async () => {
    const shards = ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002'];
    shards.forEach((shard, i) => {
      for (let put = 0; put <= i; put++) {
        metrics.add(Metric.recordsPut, { stream: 'dm-trend', shard }, 500);
        metrics.add(Metric.bytesPut, { stream: 'dm-trend', shard }, 500 * 270);
      }
    });
    metrics.add(Metric.recordsPut, { stream: 'dm-alarm', shard: shards[0] }, 3);
    metrics.add(Metric.recordsThrottled, { stream: 'dm-trend', shard: shards[1] }, 17);
    metrics.observe(Metric.putLatencySeconds, { stream: 'dm-trend', shard: shards[1] }, 0.12);

    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const body = await res.text();
    expect(body.startsWith(await metrics.registry.metrics())).toBe(true);
    const lines = body.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        `offloader_records_put_total{stream="dm-trend",shard="${shards[0]}"} 500`,
        `offloader_records_put_total{stream="dm-trend",shard="${shards[2]}"} 1500`,
        `offloader_bytes_put_total{stream="dm-trend",shard="${shards[2]}"} 405000`,
        `offloader_records_put_total{stream="dm-alarm",shard="${shards[0]}"} 3`,
        `offloader_records_throttled_total{stream="dm-trend",shard="${shards[1]}"} 17`,
        `offloader_put_latency_seconds_bucket{le="0.25",stream="dm-trend",shard="${shards[1]}"} 1`,
        `offloader_put_latency_seconds_bucket{le="0.1",stream="dm-trend",shard="${shards[1]}"} 0`,
        '# TYPE process_cpu_user_seconds_total counter',
        '# TYPE nodejs_heap_size_used_bytes gauge',
      ]),
    );
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
    // Eight distinct codes, so no two rows fold into one.
    const codes = ErrorCodes.slice(0, 8);
    codes.forEach((code, index) => {
      events.emit({ severity: index % 2 ? 'error' : 'warning', source: 'dm', code, message: `event ${index + 1}` });
    });
    const CODE = (n: number) => codes[n - 1];
    const all = (await (await get('/events')).json()) as { code: string }[];
    expect(all.map((row) => row.code)).toEqual([CODE(8), CODE(7), CODE(6), CODE(5), CODE(4)]);
    const limited = (await (await get('/events?limit=2')).json()) as { code: string }[];
    expect(limited.map((row) => row.code)).toEqual([CODE(8), CODE(7)]);
    const errors = (await (await get('/events?severity=error')).json()) as { code: string }[];
    expect(errors.map((row) => row.code)).toEqual([CODE(8), CODE(6), CODE(4)]);
    const worse = (await (await get('/events?minSeverity=error&limit=1')).json()) as { code: string }[];
    expect(worse.map((row) => row.code)).toEqual([CODE(8)]);
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
    metrics.add(Metric.recordsPut, { stream: 's', shard: 'shardId-0' }, 10);
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
