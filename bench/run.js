// @ts-check
// `npm run bench`: B1–B7, each against its own baseline measured in the same run, interleaved in pairs.
// Tables go to stdout and to results/latest.md plus a timestamped copy (compare two with bench/compare.js).
// Knobs (environment): BENCH_ONLY=b1,b3  BENCH_PAIRS=5  BENCH_B4_GIB=2  BENCH_QUICK=1 (small sizes, a smoke run)
// BENCH_SCALE=0.2 (sizes × 0.2 while developing), BENCH_B5_FILES=300, BENCH_B6_SECONDS=120.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runB1 } from './b1-transform.js';
import { runB2 } from './b2-end-to-end.js';
import { runB3 } from './b3-shard-limits.js';
import { runB4 } from './b4-memory.js';
import { runB5 } from './b5-latency.js';
import { runB6 } from './b6-footprint.js';
import { runB7 } from './b7-cold-start.js';
import { runB8 } from './b8-binary-cold-start.js';
import { RESULTS_MARKER } from './compare.js';
import { keyedRows, machineFacts, renderSummary, renderTable } from './lib/report.js';
import { fixed } from './lib/stats.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const quick = process.env.BENCH_QUICK === '1';
const only = new Set(
  (process.env.BENCH_ONLY ?? 'b1,b2,b3,b4,b5,b6,b7,b8').split(',').map((name) => name.trim().toLowerCase()),
);
const scale = quick ? 0.05 : Number(process.env.BENCH_SCALE ?? 1);
const sizes = {
  b1Rows: Math.round(1_000_000 * scale),
  b2AcceptOnly: Math.round(200_000 * scale),
  b2Kinesalite: Math.round(50_000 * scale),
  // ≈ 10 s each at 4,000 records/s and at ≈ 14,000 user records/s.
  b3Plain: Math.round(40_000 * scale),
  b3Kpl: Math.round(140_000 * scale),
  b4Bytes: Number(process.env.BENCH_B4_GIB ?? 2) * 1024 ** 3 * scale,
  b5Files: Math.max(20, Math.round(Number(process.env.BENCH_B5_FILES ?? 300) * (quick ? 0.1 : 1))),
  b6Seconds: Math.max(10, Number(process.env.BENCH_B6_SECONDS ?? 120) * (quick ? 0.1 : 1)),
  b6IdleSeconds: Math.max(5, 60 * (quick ? 0.1 : 1)),
};

const started = Date.now();
const log = (/** @type {string} */ line) => console.log(line);
const machine = machineFacts();
log(`Offloader benchmarks — ${machine.cpu}, ${machine.cores} cores, ${machine.memory}, node ${machine.node}`);
/** @type {import('./lib/report.js').Table[]} */
const tables = [];
let sectionStarted = Date.now();
const show = (/** @type {import('./lib/report.js').Table[]} */ shown) => {
  for (const table of shown) {
    tables.push(table);
    log(`\n${renderTable(table)}`);
  }
  log(`\n(${fixed((Date.now() - sectionStarted) / 60_000, 1)} min)`);
  sectionStarted = Date.now();
};

let b1DataRowsPerSecond = Number.NaN;
if (only.has('b1')) {
  log('\nB1 transform cost');
  const b1 = await runB1({ rows: sizes.b1Rows, log });
  b1DataRowsPerSecond = b1.dataRowsPerSecond;
  show(b1.tables);
}
if (only.has('b2')) {
  log('\nB2 end to end vs a naive producer');
  show(await runB2({ acceptOnlyRecords: sizes.b2AcceptOnly, kinesaliteRecords: sizes.b2Kinesalite, log }));
}
if (only.has('b3')) {
  log('\nB3 shard limits');
  show(await runB3({ plainRecords: sizes.b3Plain, kplRecords: sizes.b3Kpl, log }));
}
if (only.has('b4')) {
  log('\nB4 memory');
  show(await runB4({ targetBytes: sizes.b4Bytes, b1DataRowsPerSecond, log }));
}
if (only.has('b5')) {
  log('\nB5 latency');
  show(await runB5({ files: sizes.b5Files, log }));
}
if (only.has('b6')) {
  log('\nB6 footprint');
  show(await runB6({ seconds: sizes.b6Seconds, idleSeconds: sizes.b6IdleSeconds, log }));
}
if (only.has('b7')) {
  log('\nB7 cold start');
  show(await runB7({ runs: 30, log }));
}
if (only.has('b8')) {
  log('\nB8 cold start of the single executable (npm run release) and of the Node CLI');
  show(await runB8({ reps: 10, log }));
}

const minutes = (Date.now() - started) / 60_000;
const summaryRows = keyedRows(tables);
const summary = renderSummary(summaryRows);
log(`\n${summary}`);
const header = [
  '# Offloader benchmark results',
  '',
  `- machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory} memory`,
  `- node: ${machine.node}`,
  `- date: ${machine.date}`,
  `- command: \`npm run bench\`${quick ? ' (BENCH_QUICK=1: small sizes)' : scale !== 1 ? ` (BENCH_SCALE=${scale})` : ''}` +
    `${process.env.BENCH_ONLY ? ` (BENCH_ONLY=${process.env.BENCH_ONLY})` : ''}; whole run ${fixed(minutes, 1)} min`,
  '- every ratio compares figures measured in this run, baseline and Offloader interleaved in pairs; the ratio is ' +
    'the median of the per-pair ratios',
  '',
].join('\n');
const figures = Object.fromEntries(summaryRows.map((row) => [row.key, row.ratioValue]));
const body = `${header}\n${tables.map((table) => renderTable(table)).join('\n')}\n${summary}\n${RESULTS_MARKER}${JSON.stringify(figures)} -->\n`;
// A smoke or partial run never overwrites the committed results.
const partial = quick || scale !== 1 || process.env.BENCH_ONLY !== undefined;
const resultsDir = partial ? `${tmpdir()}/offloader-bench/` : fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
const file = `${resultsDir}latest.md`;
writeFileSync(file, body);
const stamped = `${resultsDir}${machine.date.replace(/[:.]/g, '-')}.md`;
copyFileSync(file, stamped);
log(`\nwhole run ${fixed(minutes, 1)} min; results written to ${file} and ${stamped}`);
