import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS, Metric, PromMetrics, SHARD_METRICS, SOURCE_METRICS } from '../src/metrics.js';

const shard0 = { stream: 'dm-trend', shard: 'shardId-000000000000' };
const shard1 = { stream: 'dm-trend', shard: 'shardId-000000000001' };

describe('PromMetrics (a prom-client registry per pipeline)', () => {
  it('counts per stream and shard and sums over label filters', async () => {
    const metrics = new PromMetrics();
    metrics.add(Metric.recordsPut, shard0, 500);
    metrics.add(Metric.recordsPut, shard0, 250);
    metrics.add(Metric.recordsPut, shard1, 731);
    expect(await metrics.value(Metric.recordsPut, shard0)).toBe(750);
    expect(await metrics.total(Metric.recordsPut, { stream: 'dm-trend' })).toBe(1481);
    expect(await metrics.total(Metric.recordsPut, { stream: 'dm-alarm' })).toBe(0);
  });

  it.each([0, -3, Number.NaN, Number.POSITIVE_INFINITY])(
    'ignores the counter amount %s (counters only go up)',
    async (amount) => {
      const metrics = new PromMetrics();
      metrics.add(Metric.retries, shard0, amount);
      expect(await metrics.value(Metric.retries, shard0)).toBe(0);
    },
  );

  it('sets and shifts gauges', async () => {
    const metrics = new PromMetrics();
    metrics.set(Metric.backlogFiles, { source: 's' }, 4);
    metrics.shift(Metric.backlogFiles, { source: 's' }, -1);
    metrics.shift(Metric.inflightRequests, { stream: 'x' }, 2);
    expect(await metrics.value(Metric.backlogFiles, { source: 's' })).toBe(3);
    expect(await metrics.value(Metric.inflightRequests, { stream: 'x' })).toBe(2);
  });

  it('creates touched series at 0, so the exposition has them before anything happened', async () => {
    const metrics = new PromMetrics();
    for (const name of SHARD_METRICS) metrics.touch(name, shard0);
    for (const name of SOURCE_METRICS) metrics.touch(name, { source: 'dm-csv' });
    const text = await metrics.registry.metrics();
    for (const name of ['records_put_total', 'bytes_put_total', 'records_throttled_total', 'retries_total']) {
      expect(text).toContain(`offloader_${name}{stream="dm-trend",shard="shardId-000000000000"} 0`);
    }
    expect(text).toContain('offloader_put_latency_seconds_count{stream="dm-trend",shard="shardId-000000000000"} 0');
    expect(text).toContain('offloader_rows_read_total{source="dm-csv"} 0');
    expect(text).toContain('offloader_backlog_files{source="dm-csv"} 0');
  });

  it('turns the cumulative latency buckets back into per-bucket counts in a snapshot', async () => {
    const metrics = new PromMetrics();
    for (const seconds of [0.004, 0.03, 0.03, 0.2, 7, 30]) metrics.observe(Metric.putLatencySeconds, shard0, seconds);
    const [histogram] = (await metrics.snapshot()).histograms;
    expect(histogram.labels).toEqual(shard0);
    expect(histogram.value.buckets).toEqual(LATENCY_BUCKETS);
    // 0.005: 1, 0.05: 2, 0.25: 1, 10: 1; 30 s falls in +Inf only.
    expect(histogram.value.counts).toEqual([1, 0, 0, 2, 0, 1, 0, 0, 0, 0, 1]);
    expect(histogram.value.count).toBe(6);
    expect(histogram.value.sum).toBeCloseTo(37.264, 9);
  });

  it('declares a plugin-defined name on first use, with HELP and TYPE', async () => {
    const metrics = new PromMetrics();
    metrics.add('user_records_put_total', { stream: 's' }, 7);
    metrics.define({ name: 'widgets', kind: 'gauge', help: 'Widgets in stock.', labelNames: [] });
    metrics.set('widgets', {}, 3);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      '# TYPE offloader_user_records_put_total counter\noffloader_user_records_put_total{stream="s"} 7',
    );
    expect(text).toContain(
      '# HELP offloader_widgets Widgets in stock.\n# TYPE offloader_widgets gauge\noffloader_widgets 3',
    );
  });

  it('keeps two pipelines apart', async () => {
    const first = new PromMetrics();
    const second = new PromMetrics();
    first.add(Metric.recordsIn, { source: 'a' }, 5);
    expect(await second.value(Metric.recordsIn, { source: 'a' })).toBe(0);
  });
});
