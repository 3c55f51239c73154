import type { HistogramValue } from '@offloader/core';

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
