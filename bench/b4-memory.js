// @ts-check
// B4: peak memory and throughput of the pipeline over a large backlog of offload files.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeKind } from './generate-offload.js';
import { runWorker } from './lib/fork.js';
import { count, fixed, mib } from './lib/stats.js';

const DATAMINER_ROWS_PER_FILE = 10_000;
const LARGE_ROWS_PER_FILE = 100_000;
const LIMIT_BYTES = 250 * 1024 * 1024;

/**
 * @param {{ targetBytes: number, b1DataRowsPerSecond: number, log: (line: string) => void }} options
 * @returns {Promise<import('./lib/report.js').Table[]>}
 */
export async function runB4(options) {
  const dir = mkdtempSync(join(tmpdir(), 'offloader-bench-b4-'));
  try {
    const empty = join(dir, 'empty');
    mkdirSync(join(empty, 'Data'), { recursive: true });
    const idle = await runWorker('pipeline-null', { root: empty, kinds: ['data'] });

    // DataMiner's own file size (10,000 rows: ≈ 2,770 files for 2 GB) and files ten times larger, same bytes.
    const small = await backlogRun(dir, DATAMINER_ROWS_PER_FILE, options);
    const large = await backlogRun(dir, LARGE_ROWS_PER_FILE, options);
    const rateRatio = small.rate / large.rate;
    const row = (/** @type {typeof small} */ run, /** @type {string} */ label) => [
      {
        what: `peak RSS of the pipeline process, files of ${label}`,
        value: mib(run.result.peakRss),
        baseline: `${mib(idle.peakRss)} (empty folder)`,
        ratio: fixed(run.result.peakRss / idle.peakRss),
        target: '≤ 250 MiB',
        pass: run.result.peakRss <= LIMIT_BYTES,
      },
      {
        what: `rows delivered, files of ${label}`,
        value: `${count(run.result.delivered)} of ${count(run.rows)}`,
        baseline: 'rows written',
        ratio: fixed(run.result.delivered / run.rows),
        target: 'all',
        pass: run.result.delivered === run.rows && run.result.ok,
      },
    ];
    return [
      {
        title: `B4 memory: ${mib(small.bytes)} backlog → pipeline → null sink, DataMiner's 10,000-row files and 100,000-row files`,
        notes: [
          `${count(small.files)} files of ${count(DATAMINER_ROWS_PER_FILE)} rows (${count(small.rows)} Data rows) and ` +
            `${count(large.files)} files of ${count(LARGE_ROWS_PER_FILE)} rows (${count(large.rows)} rows), one run ` +
            'each (peak RSS is a maximum, and one pass over 2 GB takes minutes), small files first. Peak RSS = VmHWM ' +
            'of the pipeline process. Baseline RSS: the same pipeline over an empty folder (node + modules + runner). ' +
            `Rows/s: ${count(small.rate)} with 10,000-row files, ${count(large.rate)} with 100,000-row files; B1 Data ` +
            `rows in this run: ${count(options.b1DataRowsPerSecond)}.`,
          'Per-file costs (scan entries, readiness open, claim file, checkpoint entry and write, done marker) are ' +
            `paid once per file: ${count(small.files)} times with DataMiner-sized files.`,
        ],
        rows: [
          ...row(small, '10,000 rows'),
          ...row(large, '100,000 rows'),
          {
            what: 'rows/s with 10,000-row files vs 100,000-row files',
            value: count(small.rate),
            baseline: `${count(large.rate)} (100,000-row files)`,
            ratio: fixed(rateRatio),
            target: '≥ 0.90',
            pass: rateRatio >= 0.9,
            key: 'b4.rate.small-vs-large-files',
            ratioValue: rateRatio,
          },
        ],
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Copies one file of distinct rows under DataMiner-like names until the target size is reached, runs the
 * pipeline over it, and removes it again (two 2 GB backlogs at once would double the disk needed).
 * @param {string} dir
 * @param {number} rowsPerFile
 * @param {{ targetBytes: number, log: (line: string) => void }} options
 */
async function backlogRun(dir, rowsPerFile, options) {
  const root = join(dir, `backlog-${rowsPerFile}`);
  const template = writeKind(join(dir, `template-${rowsPerFile}`), 'data', rowsPerFile, rowsPerFile).files[0];
  const fileBytes = statSync(template).size;
  const files = Math.max(1, Math.round(options.targetBytes / fileBytes));
  mkdirSync(join(root, 'Data'), { recursive: true });
  for (let i = 0; i < files; i += 1) {
    copyFileSync(template, join(root, 'Data', `2026_03_14_09_00_00_${String(4000 + i).padStart(5, '0')}_346.csv`));
  }
  const rows = files * rowsPerFile;
  const bytes = files * fileBytes;
  options.log(
    `  B4 backlog: ${count(rows)} Data rows in ${count(files)} files of ${count(rowsPerFile)} rows, ${mib(bytes)}`,
  );
  try {
    const result = await runWorker('pipeline-null', { root, kinds: ['data'] }, { timeoutMs: 900_000 });
    const rate = (result.rows / result.ms) * 1000;
    options.log(
      `  B4 pipeline: ${count(rate)} rows/s (${fixed(result.ms / 1000, 1)} s, CPU ${fixed(result.cpuMs / 1000, 1)} s), ` +
        `peak RSS ${mib(result.peakRss)}, delivered ${count(result.delivered)}`,
    );
    return { result, rate, rows, bytes, files };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
