// @ts-check
// Interleaved A/B measurement: on a shared machine the load drifts within seconds, so a baseline measured
// minutes apart from its contender says little. Each pair runs both back to back (order alternating), the
// figure is the median of the per-pair ratios, and its spread says how far one pair can be trusted.
import { loadavg } from 'node:os';
import { fixed, median } from './stats.js';

/**
 * @typedef {object} PairStats
 * @property {number[]} ratios   per-pair ratios, in run order
 * @property {number} median     median of `ratios`
 * @property {number} spreadPct  median absolute deviation of `ratios`, % of the median
 * @property {number} min
 * @property {number} max
 * @property {number} pairs
 * @property {number[]} loadBefore 1-minute load average before the first pair
 * @property {number[]} loadAfter  1-minute load average after the last pair
 */

/**
 * Runs `a` and `b` in pairs (ABAB… with the order flipped every pair, so neither always runs on a cold cache),
 * at least `minPairs` and at most `maxPairs` times, stopping early once the spread of the ratios is under
 * `settlePct`. `ratio(aResult, bResult)` turns one pair into the figure of interest.
 * @template A, B
 * @param {{
 *   a: (pair: number) => Promise<A>,
 *   b: (pair: number) => Promise<B>,
 *   ratio: (a: A, b: B) => number,
 *   minPairs?: number,
 *   maxPairs?: number,
 *   settlePct?: number,
 *   log?: (line: string) => void,
 *   label?: string,
 * }} options
 * @returns {Promise<PairStats & { a: A[], b: B[] }>}
 */
export async function interleave(options) {
  const minPairs = options.minPairs ?? Number(process.env.BENCH_PAIRS ?? 5);
  const maxPairs = Math.max(minPairs, options.maxPairs ?? minPairs + 4);
  const settlePct = options.settlePct ?? 5;
  const loadBefore = loadavg();
  /** @type {A[]} */
  const aResults = [];
  /** @type {B[]} */
  const bResults = [];
  /** @type {number[]} */
  const ratios = [];
  for (let pair = 0; pair < maxPairs; pair += 1) {
    let aResult;
    let bResult;
    if (pair % 2 === 0) {
      aResult = await options.a(pair);
      bResult = await options.b(pair);
    } else {
      bResult = await options.b(pair);
      aResult = await options.a(pair);
    }
    aResults.push(aResult);
    bResults.push(bResult);
    ratios.push(options.ratio(aResult, bResult));
    const stats = summarise(ratios);
    options.log?.(
      `  ${options.label ?? 'pair'} ${pair + 1}: ratio ${fixed(ratios[pair], 3)} (median ${fixed(stats.median, 3)}, ` +
        `spread ±${fixed(stats.spreadPct, 1)} %, load ${fixed(loadavg()[0], 1)})`,
    );
    if (pair + 1 >= minPairs && stats.spreadPct <= settlePct) break;
  }
  return { ...summarise(ratios), a: aResults, b: bResults, loadBefore, loadAfter: loadavg() };
}

/** @param {number[]} ratios */
export function summarise(ratios) {
  const middle = median(ratios);
  const deviation = median(ratios.map((ratio) => Math.abs(ratio - middle)));
  return {
    ratios: [...ratios],
    median: middle,
    spreadPct: middle ? (100 * deviation) / Math.abs(middle) : 0,
    min: Math.min(...ratios),
    max: Math.max(...ratios),
    pairs: ratios.length,
  };
}

/** "n pairs, ratios 1.02–1.19, spread ±3.1 %, load 1.2 → 1.4" for table notes. @param {PairStats} stats */
export function describePairs(stats) {
  return (
    `${stats.pairs} interleaved pairs, per-pair ratios ${fixed(stats.min)}–${fixed(stats.max)}, median ` +
    `${fixed(stats.median, 3)}, spread ±${fixed(stats.spreadPct, 1)} % (median absolute deviation); load average ` +
    `${fixed(stats.loadBefore[0], 2)} before, ${fixed(stats.loadAfter[0], 2)} after`
  );
}
