import { Metric, type Metrics, PromMetrics } from '@offloader/core';
import { describe, expect, it } from 'vitest';
import { StatsHistory } from '../src/history.js';

const shard0 = { stream: 'dm-trend', shard: 'shardId-000000000000' };
const shard1 = { stream: 'dm-trend', shard: 'shardId-000000000001' };

async function snapshotAt(stats: Metrics, at: number) {
  return { ...(await stats.snapshot()), at };
}

describe('StatsHistory', () => {
  it('turns counter increases into per-second rates per stream and shard', async () => {
    const stats = new PromMetrics();
    const history = new StatsHistory();
    stats.add(Metric.recordsPut, shard0, 1000);
    expect(history.sample(await snapshotAt(stats, 10_000))).toBeUndefined();

    stats.add(Metric.recordsPut, shard0, 400);
    stats.add(Metric.recordsPut, shard1, 100);
    stats.add(Metric.bytesPut, shard0, 80_000);
    stats.add(Metric.recordsThrottled, { stream: 'dm-trend' }, 10);
    stats.add(Metric.recordErrors, { stream: 'dm-trend', code: 'InternalFailure' }, 4);
    stats.add(Metric.rowsRead, { source: 'dm' }, 600);
    stats.set(Metric.backlogFiles, { source: 'dm' }, 3);
    stats.set(Metric.backlogFiles, { source: 'custom' }, 2);
    stats.set(Metric.backlogBytes, { source: 'dm' }, 4096);
    stats.set(Metric.oldestFileAgeSeconds, { source: 'dm' }, 12);
    stats.set(Metric.oldestFileAgeSeconds, { source: 'custom' }, 90);
    const point = history.sample(await snapshotAt(stats, 12_000))!;

    expect(point).toMatchObject({
      t: 12_000,
      seconds: 2,
      total: { records: 250, bytes: 40_000, throttled: 5, errors: 2, rowsRead: 300 },
      streams: { 'dm-trend': { records: 250, bytes: 40_000, throttled: 5, errors: 2, p50: null, p95: null } },
      shards: {
        'dm-trend shardId-000000000000': { stream: 'dm-trend', shard: 'shardId-000000000000', records: 200 },
        'dm-trend shardId-000000000001': { records: 50, bytes: 0 },
      },
      backlog: { files: 5, bytes: 4096, oldestAgeSeconds: 90 },
    });
  });

  it('computes latency quantiles from the requests of the interval only', async () => {
    const stats = new PromMetrics();
    const history = new StatsHistory();
    for (let i = 0; i < 100; i++) stats.observe(Metric.putLatencySeconds, { stream: 's' }, 4);
    history.sample(await snapshotAt(stats, 0));
    for (let i = 0; i < 10; i++) stats.observe(Metric.putLatencySeconds, { stream: 's' }, 0.02);
    const point = history.sample(await snapshotAt(stats, 1000))!;
    // Interpolated inside the (0.01, 0.025] bucket, untouched by the 100 slow requests before.
    expect(point.latency.p50).toBeCloseTo(0.0175, 6);
    expect(point.latency.p95).toBeCloseTo(0.02425, 6);
    expect(point.streams.s.p95).toBeCloseTo(0.02425, 6);
    expect(history.sample(await snapshotAt(stats, 2000))!.latency).toEqual({ p50: null, p95: null });
  });

  it('keeps the newest samples up to its capacity and answers "since"', async () => {
    const stats = new PromMetrics();
    const history = new StatsHistory({ capacity: 3 });
    for (let t = 0; t <= 5000; t += 1000) {
      stats.add(Metric.recordsPut, shard0, 10);
      history.sample(await snapshotAt(stats, t));
    }
    expect(history.samples().map((s) => s.t)).toEqual([3000, 4000, 5000]);
    expect(history.samples(4000).map((s) => s.t)).toEqual([5000]);
    expect(history.samples().every((s) => s.total.records === 10)).toBe(true);
  });

  it('reads a smaller counter as a restart, and ignores snapshots that do not move forward', async () => {
    const history = new StatsHistory();
    const before = new PromMetrics();
    before.add(Metric.recordsPut, shard0, 5000);
    history.sample(await snapshotAt(before, 0));
    const after = new PromMetrics();
    after.add(Metric.recordsPut, shard0, 30);
    expect(history.sample(await snapshotAt(after, 1000))!.total.records).toBe(30);
    expect(history.sample(await snapshotAt(after, 1000))).toBeUndefined();
  });
});
