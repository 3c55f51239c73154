// @ts-check
// Compares the ratios of two `npm run bench` result files: node bench/compare.js <first.md> <second.md>
// Prints every ratio of both runs and the relative difference; flags differences above 10 % and exits 1 then.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Start of the machine-readable line at the end of a results file (an HTML comment, invisible in Markdown). */
export const RESULTS_MARKER = '<!-- offloader-bench-ratios ';
const LIMIT_PCT = 10;

/** The keyed ratios of one results file. @param {string} path @returns {Record<string, number>} */
export function readRatios(path) {
  const text = readFileSync(path, 'utf8');
  const at = text.lastIndexOf(RESULTS_MARKER);
  if (at < 0) throw new Error(`${path}: no ratios line (written by bench/run.js since the interleaved benches)`);
  const end = text.indexOf(' -->', at);
  return JSON.parse(text.slice(at + RESULTS_MARKER.length, end));
}

/**
 * One line per key present in either run: both ratios, the difference in % of the first, and a flag.
 * @param {Record<string, number>} first
 * @param {Record<string, number>} second
 */
export function compareRatios(first, second) {
  const keys = [...new Set([...Object.keys(first), ...Object.keys(second)])];
  return keys.map((key) => {
    const a = first[key];
    const b = second[key];
    const diffPct = a !== undefined && b !== undefined && a !== 0 ? (100 * (b - a)) / Math.abs(a) : Number.NaN;
    return { key, a, b, diffPct, flagged: !(Math.abs(diffPct) <= LIMIT_PCT) };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [firstPath, secondPath] = process.argv.slice(2);
  if (!firstPath || !secondPath) {
    console.error('usage: node bench/compare.js <first results .md> <second results .md>');
    process.exit(2);
  }
  const lines = compareRatios(readRatios(firstPath), readRatios(secondPath));
  const width = Math.max(3, ...lines.map((line) => line.key.length));
  const show = (/** @type {number | undefined} */ value) => (value === undefined ? '–' : value.toFixed(3));
  console.log(`${'key'.padEnd(width)}  ${'first'.padStart(9)}  ${'second'.padStart(9)}  ${'diff'.padStart(8)}`);
  for (const line of lines) {
    const diff = Number.isNaN(line.diffPct) ? '–' : `${line.diffPct >= 0 ? '+' : ''}${line.diffPct.toFixed(1)} %`;
    console.log(
      `${line.key.padEnd(width)}  ${show(line.a).padStart(9)}  ${show(line.b).padStart(9)}  ${diff.padStart(8)}` +
        `${line.flagged ? `  > ${LIMIT_PCT} %` : ''}`,
    );
  }
  const flagged = lines.filter((line) => line.flagged).length;
  console.log(flagged ? `${flagged} ratio(s) differ by more than ${LIMIT_PCT} %` : `all ratios within ${LIMIT_PCT} %`);
  process.exit(flagged ? 1 : 0);
}
