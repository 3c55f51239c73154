// @ts-check
/** Small helpers for benchmark figures: medians, rates, ratios, readable numbers. */

/** @param {number[]} values */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** @param {number} value @param {number} [digits] */
export function fixed(value, digits = 2) {
  return Number.isFinite(value) ? value.toFixed(digits) : String(value);
}

/** Rows per second of a worker's result. @param {{ rows: number, ms: number }} result */
export function rowsPerSecond(result) {
  return (result.rows / result.ms) * 1000;
}

/** Thousands separated integer, e.g. 246,123. @param {number} value */
export function count(value) {
  return Math.round(value).toLocaleString('en-US');
}

/** @param {number} bytes */
export function mib(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Wall time of `action` in milliseconds, with its result. @template T @param {() => Promise<T>} action */
export async function timed(action) {
  const started = process.hrtime.bigint();
  const result = await action();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
}
