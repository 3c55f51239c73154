// @ts-check
// `npm run bench`: B1–B4, each with its own baseline measured in this run; tables to stdout and results/latest.md.
// Knobs (environment): BENCH_ONLY=b1,b3  BENCH_REPS=3  BENCH_B4_GIB=2  BENCH_QUICK=1 (small sizes, a smoke run).
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runB1 } from './b1-transform.js';
import { runB2 } from './b2-end-to-end.js';
import { runB3 } from './b3-shard-limits.js';
import { runB4 } from './b4-memory.js';
import { runB8 } from './b8-binary-cold-start.js';
import { machineFacts, renderTable } from './lib/report.js';
import { fixed } from './lib/stats.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const quick = process.env.BENCH_QUICK === '1';
const only = new Set((process.env.BENCH_ONLY ?? 'b1,b2,b3,b4,b8').split(',').map((name) => name.trim().toLowerCase()));
const reps = Number(process.env.BENCH_REPS ?? 3);
const scale = quick ? 0.05 : 1;
const sizes = {
  b1Rows: Math.round(1_000_000 * scale),
  b2AcceptOnly: Math.round(200_000 * scale),
  b2Kinesalite: Math.round(100_000 * scale),
  // ≈ 20 s each at 4,000 records/s and at ≈ 14,000 user records/s.
  b3Plain: Math.round(80_000 * scale),
  b3Kpl: Math.round(280_000 * scale),
  b4Bytes: Number(process.env.BENCH_B4_GIB ?? 2) * 1024 ** 3 * scale,
};

const started = Date.now();
const log = (/** @type {string} */ line) => console.log(line);
const machine = machineFacts();
log(`Offloader benchmarks — ${machine.cpu}, ${machine.cores} cores, ${machine.memory}, node ${machine.node}`);
/** @type {string[]} */
const sections = [];
const show = (/** @type {import('./lib/report.js').Table[]} */ tables) => {
  for (const table of tables) {
    const text = renderTable(table);
    sections.push(text);
    log(`\n${text}`);
  }
};

let b1DataRowsPerSecond = Number.NaN;
if (only.has('b1') || only.has('b4')) {
  log(`\nB1 transform cost (${reps} repetitions)`);
  const b1 = await runB1({ reps, rows: sizes.b1Rows, log });
  b1DataRowsPerSecond = b1.dataRowsPerSecond;
  if (only.has('b1')) show(b1.tables);
}
if (only.has('b2')) {
  log(`\nB2 end to end vs a naive producer (${reps} repetitions)`);
  show(await runB2({ reps, acceptOnlyRecords: sizes.b2AcceptOnly, kinesaliteRecords: sizes.b2Kinesalite, log }));
}
if (only.has('b3')) {
  log(`\nB3 shard limits (${reps} repetitions)`);
  show(await runB3({ reps, plainRecords: sizes.b3Plain, kplRecords: sizes.b3Kpl, log }));
}
if (only.has('b4')) {
  log('\nB4 memory');
  show(await runB4({ targetBytes: sizes.b4Bytes, b1DataRowsPerSecond, log }));
}
if (only.has('b8')) {
  log('\nB8 cold start of the single executable (npm run release) and of the Node CLI');
  show(await runB8({ reps, log }));
}

const minutes = (Date.now() - started) / 60_000;
const header = [
  '# Offloader benchmark results',
  '',
  `- machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory} memory`,
  `- node: ${machine.node}`,
  `- date: ${machine.date}`,
  `- command: \`npm run bench\`${quick ? ' (BENCH_QUICK=1: 5 % sizes)' : ''}; ${reps} repetitions, medians; whole run ${fixed(minutes, 1)} min`,
  '- every ratio compares figures measured in this run; ratios < 1 in a "time" column mean faster than the baseline',
  '',
].join('\n');
// A smoke run never overwrites the committed results.
const resultsDir = quick ? `${tmpdir()}/` : fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
const file = `${resultsDir}${quick ? 'offloader-bench-quick.md' : 'latest.md'}`;
writeFileSync(file, `${header}\n${sections.join('\n')}`);
log(`\nwhole run ${fixed(minutes, 1)} min; results written to ${file}`);
