// @ts-check
// B1: rows → validated JSON records → null sink through the full pipeline, against a csv-parse floor.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBacklog } from './generate-offload.js';
import { runWorker } from './lib/fork.js';
import { count, fixed, median } from './lib/stats.js';

/**
 * @param {{ reps: number, rows: number, log: (line: string) => void }} options
 * @returns {Promise<{ tables: import('./lib/report.js').Table[], dataRowsPerSecond: number }>}
 */
export async function runB1(options) {
  const dir = mkdtempSync(join(tmpdir(), 'offloader-bench-b1-'));
  try {
    const sets = [
      { label: 'Data rows', kinds: ['data'], counts: { data: options.rows } },
      {
        label: 'mixed rows (60 % Data, 20 % DataAvg, 20 % Alarm)',
        kinds: ['data', 'dataavg', 'alarm'],
        counts: { data: options.rows * 0.6, dataavg: options.rows * 0.2, alarm: options.rows * 0.2 },
      },
    ];
    const tables = [];
    let dataRowsPerSecond = 0;
    for (const [index, set] of sets.entries()) {
      const root = join(dir, `set-${index}`);
      const written = writeBacklog(root, set.counts);
      options.log(
        `  B1 ${set.label}: ${count(written.rows)} rows, ${written.files.length} files, ${fixed(written.bytes / 1024 / 1024, 1)} MiB`,
      );
      /** @type {Record<string, number[]>} */
      const rates = { raw: [], named: [], pipeline: [] };
      const problems = [];
      for (let rep = 0; rep < options.reps; rep += 1) {
        const input = { root, kinds: set.kinds };
        const runs = [
          ['raw', () => runWorker('floor', { ...input, named: false })],
          ['named', () => runWorker('floor', { ...input, named: true })],
          ['pipeline', () => runWorker('pipeline-null', input)],
        ];
        // Rotate the order so no contender always runs first (cold disk cache) or last.
        for (let turn = 0; turn < runs.length; turn += 1) {
          const [name, run] = /** @type {[string, () => Promise<any>]} */ (runs[(turn + rep) % runs.length]);
          const result = await run();
          const rate = (result.rows / result.ms) * 1000;
          rates[name].push(rate);
          options.log(`  B1 ${set.label} ${name} rep ${rep + 1}: ${count(rate)} rows/s (${fixed(result.ms / 1000)} s)`);
          if (name === 'pipeline' && (result.delivered !== written.rows || !result.ok)) {
            problems.push(
              `rep ${rep + 1}: ${result.delivered} of ${written.rows} delivered, ${result.rejected} rejected`,
            );
          }
          if (name !== 'pipeline' && result.rows !== written.rows)
            problems.push(`${name} floor read ${result.rows} rows`);
        }
      }
      const raw = median(rates.raw);
      const named = median(rates.named);
      const pipeline = median(rates.pipeline);
      if (index === 0) dataRowsPerSecond = pipeline;
      tables.push({
        title: `B1 transform cost: ${count(written.rows)} ${set.label} → validated JSON records → null sink`,
        notes: [
          `${written.files.length} files of ≤ 10,000 rows (${fixed(written.bytes / 1024 / 1024, 1)} MiB), TAB separated, CRLF. ` +
            'Floor = csv-parse 7 (TAB, no quoting) + JSON.stringify per row, no framework, no validation; ' +
            '"raw" stringifies the field arrays, "named" objects keyed by column name. Time ratio = rate ratio inverted.',
          'Pipeline = dataminer-csv source (decode, map, lookups, timestamps, ajv validation, folder bookkeeping with ' +
            'afterDelivery: keep) → runner (batching, acks) → built-in null sink.',
          ...problems.map((problem) => `Count mismatch: ${problem}`),
        ],
        rows: [
          {
            what: 'pipeline time vs raw floor (csv-parse + JSON.stringify of arrays)',
            value: `${count(pipeline)} rows/s`,
            baseline: `${count(raw)} rows/s`,
            ratio: `${fixed(raw / pipeline)}× time`,
            target: '≤ 1.2× time',
            pass: raw / pipeline <= 1.2,
          },
          {
            what: 'pipeline time vs named floor (csv-parse columns → objects + JSON.stringify)',
            value: `${count(pipeline)} rows/s`,
            baseline: `${count(named)} rows/s`,
            ratio: `${fixed(named / pipeline)}× time`,
            target: 'report',
            pass: null,
          },
          {
            what: 'rows delivered by the pipeline, every repetition',
            value: problems.length ? 'mismatch (see notes)' : `${count(written.rows)} of ${count(written.rows)}`,
            baseline: 'rows written',
            ratio: problems.length ? '< 1' : '1.00',
            target: 'all',
            pass: problems.length === 0,
          },
        ],
      });
    }
    return { tables, dataRowsPerSecond };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
