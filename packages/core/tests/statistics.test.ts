import { describe, expect, it } from 'vitest';
import { type HistogramValue, histogramQuantile, Metric, mergeHistograms, Statistics } from '../src/statistics.js';

const shard0 = { stream: 'dm-trend', shard: 'shardId-000000000000' };
const shard1 = { stream: 'dm-trend', shard: 'shardId-000000000001' };

describe('Statistics', () => {
  it('counts per label set, independent of label order', () => {
    const stats = new Statistics();
    stats.add(Metric.recordsPut, shard0, 500);
    stats.add(Metric.recordsPut, { shard: shard0.shard, stream: shard0.stream }, 20);
    stats.add(Metric.recordsPut, shard1, 7);
    expect(stats.counter(Metric.recordsPut, shard0)).toBe(520);
    expect(stats.counter(Metric.recordsPut, shard1)).toBe(7);
    expect(stats.total(Metric.recordsPut, { stream: 'dm-trend' })).toBe(527);
    expect(stats.total(Metric.recordsPut, { stream: 'other' })).toBe(0);
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])(
    'ignores counter amount %s (counters only go up)',
    (amount) => {
      const stats = new Statistics();
      stats.add(Metric.retries, { stream: 's' }, 3);
      stats.add(Metric.retries, { stream: 's' }, amount);
      expect(stats.counter(Metric.retries, { stream: 's' })).toBe(3);
    },
  );

  it('sets and shifts gauges', () => {
    const stats = new Statistics();
    stats.set(Metric.backlogFiles, { source: 'dm' }, 12);
    stats.shift(Metric.inflightRequests, { stream: 's' }, 1);
    stats.shift(Metric.inflightRequests, { stream: 's' }, 1);
    stats.shift(Metric.inflightRequests, { stream: 's' }, -1);
    expect(stats.gauge(Metric.backlogFiles, { source: 'dm' })).toBe(12);
    expect(stats.gauge(Metric.inflightRequests, { stream: 's' })).toBe(1);
    expect(stats.gauge(Metric.backlogBytes, { source: 'dm' })).toBeUndefined();
  });

  it('observes into per-bucket counts, with values above the last bound only in count and sum', () => {
    const stats = new Statistics();
    for (const seconds of [0.004, 0.02, 0.02, 0.3, 12]) stats.observe(Metric.putLatencySeconds, shard0, seconds);
    stats.observe(Metric.putLatencySeconds, shard0, Number.NaN);
    const [series] = stats.snapshot().histograms;
    expect(series.value.counts).toEqual([1, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(series.value.count).toBe(5);
    expect(series.value.sum).toBeCloseTo(12.344, 9);
  });

  it('snapshots deep copies', () => {
    const stats = new Statistics();
    stats.add(Metric.recordsPut, shard0, 1);
    stats.observe(Metric.putLatencySeconds, shard0, 0.1);
    const snapshot = stats.snapshot();
    stats.add(Metric.recordsPut, shard0, 1);
    stats.observe(Metric.putLatencySeconds, shard0, 0.1);
    expect(snapshot.counters[0].value).toBe(1);
    expect(snapshot.histograms[0].value.count).toBe(1);
  });
});

describe('histogramQuantile', () => {
  const histogram = (counts: number[]): HistogramValue => ({
    buckets: [0.1, 0.2, 0.4],
    counts,
    sum: 0,
    count: counts.reduce((a, b) => a + b, 0),
  });

  it.each([
    { counts: [10, 0, 0], q: 0.5, expected: 0.05 },
    { counts: [0, 10, 0], q: 0.5, expected: 0.15 },
    { counts: [5, 5, 0], q: 0.5, expected: 0.1 },
    { counts: [5, 5, 10], q: 0.75, expected: 0.3 },
    { counts: [0, 0, 4], q: 0.95, expected: 0.39 },
  ])('interpolates inside the bucket: $counts q=$q → $expected', ({ counts, q, expected }) => {
    expect(histogramQuantile(histogram(counts), q)).toBeCloseTo(expected, 9);
  });

  it('returns the last finite bound when the rank is in the +Inf bucket, undefined when empty', () => {
    expect(histogramQuantile({ ...histogram([1, 0, 0]), count: 10 }, 0.95)).toBe(0.4);
    expect(histogramQuantile(histogram([0, 0, 0]), 0.5)).toBeUndefined();
  });

  it('merges histograms with equal bounds', () => {
    const merged = mergeHistograms([histogram([1, 2, 3]), histogram([4, 0, 1])]);
    expect(merged).toEqual({ buckets: [0.1, 0.2, 0.4], counts: [5, 2, 4], sum: 0, count: 11 });
    expect(mergeHistograms([])).toBeUndefined();
  });
});
