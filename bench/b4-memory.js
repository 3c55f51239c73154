// @ts-check
// B4: peak memory and throughput of the pipeline over a large backlog of offload files.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeKind } from './generate-offload.js';
import { runWorker } from './lib/fork.js';
import { count, fixed, mib } from './lib/stats.js';

const ROWS_PER_FILE = 100_000;
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

    // One file of distinct rows, copied under DataMiner-like names until the target size is reached.
    const root = join(dir, 'backlog');
    const template = writeKind(join(dir, 'template'), 'data', ROWS_PER_FILE, ROWS_PER_FILE).files[0];
    const fileBytes = statSync(template).size;
    const files = Math.max(1, Math.round(options.targetBytes / fileBytes));
    mkdirSync(join(root, 'Data'), { recursive: true });
    for (let i = 0; i < files; i += 1) {
      copyFileSync(template, join(root, 'Data', `2026_03_14_09_00_00_${String(4000 + i).padStart(5, '0')}_346.csv`));
    }
    const rows = files * ROWS_PER_FILE;
    const bytes = files * fileBytes;
    options.log(`  B4 backlog: ${count(rows)} Data rows in ${files} files, ${mib(bytes)}`);
    const result = await runWorker('pipeline-null', { root, kinds: ['data'] }, { timeoutMs: 600_000 });
    const rate = (result.rows / result.ms) * 1000;
    options.log(
      `  B4 pipeline: ${count(rate)} rows/s (${fixed(result.ms / 1000, 1)} s), peak RSS ${mib(result.peakRss)}, ` +
        `delivered ${count(result.delivered)}; idle pipeline peak RSS ${mib(idle.peakRss)}`,
    );
    const complete = result.delivered === rows && result.ok;
    return [
      {
        title: `B4 memory: ${mib(bytes)} backlog (${count(rows)} Data rows, ${files} files) → pipeline → null sink`,
        notes: [
          'One run (peak RSS is a maximum, and one pass over the backlog takes minutes). Peak RSS = VmHWM of the ' +
            'pipeline process. Baseline RSS: the same pipeline over an empty folder (node + modules + runner). ' +
            'Baseline rows/s: the B1 Data-row pipeline median from this run.',
          `Files of ${count(ROWS_PER_FILE)} rows: with DataMiner's 10,000-row files the backlog would be ` +
            `${count(rows / 10_000)} files, and the folder source rescans (readdir + one awaited stat per file) ` +
            'before every file, which grows with files² and does not fit the time budget (see report).',
        ],
        rows: [
          {
            what: 'peak RSS of the pipeline process',
            value: mib(result.peakRss),
            baseline: `${mib(idle.peakRss)} (empty folder)`,
            ratio: fixed(result.peakRss / idle.peakRss),
            target: '≤ 250 MiB',
            pass: result.peakRss <= LIMIT_BYTES,
          },
          {
            what: 'rows/s over the backlog',
            value: count(rate),
            baseline: `${count(options.b1DataRowsPerSecond)} (B1, 1M rows)`,
            ratio: fixed(rate / options.b1DataRowsPerSecond),
            target: 'report',
            pass: null,
          },
          {
            what: 'rows delivered',
            value: `${count(result.delivered)} of ${count(rows)}`,
            baseline: 'rows written',
            ratio: fixed(result.delivered / rows),
            target: 'all',
            pass: complete,
          },
        ],
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
