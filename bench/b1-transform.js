// @ts-check
// B1: rows → validated JSON records → null sink through the full pipeline, against a csv-parse floor.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBacklog } from './generate-offload.js';
import { runWorker } from './lib/fork.js';
import { describePairs, interleave } from './lib/pairs.js';
import { count, fixed, median, rowsPerSecond } from './lib/stats.js';

/** Pairs that also run the named floor. */
const NAMED_FLOOR_PAIRS = 3;
/** At least this many pairs per row set (BENCH_PAIRS raises it). */
const B1_MIN_PAIRS = Math.max(9, Number(process.env.BENCH_PAIRS ?? 0));

/**
 * @param {{ rows: number, log: (line: string) => void }} options
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
      const input = { root, kinds: set.kinds };
      const problems = [];
      const pairs = await interleave({
        label: `B1 ${set.label}`,
        log: options.log,
        a: async (pair) => {
          const raw = await runWorker('floor', { ...input, named: false });
          if (raw.rows !== written.rows) problems.push(`raw floor read ${raw.rows} rows`);
          // The named floor is a figure to report, not a ratio with a target: its first pairs are enough, and
          // skipping it later cuts B1's time by a third.
          if (pair >= NAMED_FLOOR_PAIRS) return { raw, named: undefined };
          const named = await runWorker('floor', { ...input, named: true });
          if (named.rows !== written.rows) problems.push(`named floor read ${named.rows} rows`);
          return { raw, named };
        },
        b: async (pair) => {
          const result = await runWorker('pipeline-null', input);
          if (result.delivered !== written.rows || !result.ok) {
            problems.push(
              `pair ${pair + 1}: ${result.delivered} of ${written.rows} delivered, ${result.rejected} rejected`,
            );
          }
          return result;
        },
        // Time ratio: the pipeline's time for the rows over the raw floor's.
        ratio: (floors, pipeline) => pipeline.ms / floors.raw.ms,
        // This machine's speed drifts by a third for seconds at a time, so single pairs land far apart (0.76–1.38
        // within one run): five pairs with three close together passed the spread test on a bimodal sample.
        minPairs: B1_MIN_PAIRS,
        // Two more at most: a run whose spread never settles still ends inside the bench's 20 minutes.
        maxPairs: B1_MIN_PAIRS + 2,
      });
      const raw = median(pairs.a.map((floors) => rowsPerSecond(floors.raw)));
      const withNamed = pairs.a.flatMap((floors, i) =>
        floors.named ? [{ named: floors.named, pipeline: pairs.b[i] }] : [],
      );
      const named = median(withNamed.map((run) => rowsPerSecond(run.named)));
      const pipeline = median(pairs.b.map(rowsPerSecond));
      const namedRatio = median(withNamed.map((run) => run.pipeline.ms / run.named.ms));
      const cpuRatio = median(pairs.a.map((floors, i) => pairs.b[i].cpuMs / floors.raw.cpuMs));
      if (index === 0) dataRowsPerSecond = pipeline;
      options.log(
        `  B1 ${set.label}: pipeline ${count(pipeline)} rows/s, raw floor ${count(raw)}, named floor ${count(named)}`,
      );
      tables.push({
        title: `B1 transform cost: ${count(written.rows)} ${set.label} → validated JSON records → null sink`,
        notes: [
          `${written.files.length} files of ≤ 10,000 rows (${fixed(written.bytes / 1024 / 1024, 1)} MiB), TAB separated, CRLF. ` +
            'Floor = csv-parse 7 (TAB, no quoting) + JSON.stringify per row, no framework, no validation; ' +
            '"raw" stringifies the field arrays, "named" objects keyed by column name. Time ratio = rate ratio inverted.',
          'Pipeline = dataminer-csv source (decode, map, lookups, timestamps, ajv validation, folder bookkeeping with ' +
            'afterDelivery: keep) → runner (batching, acks) → built-in null sink.',
          `Ratio = median of per-pair time ratios: ${describePairs(pairs)}.`,
          ...problems.map((problem) => `Count mismatch: ${problem}`),
        ],
        rows: [
          {
            what: 'pipeline time vs raw floor (csv-parse + JSON.stringify of arrays)',
            value: `${count(pipeline)} rows/s`,
            baseline: `${count(raw)} rows/s`,
            ratio: `${fixed(pairs.median)}× time`,
            target: '≤ 1.2× time',
            pass: pairs.median <= 1.2,
            key: `b1.${index === 0 ? 'data' : 'mixed'}.raw`,
            ratioValue: pairs.median,
            spreadPct: pairs.spreadPct,
          },
          {
            what: `pipeline time vs named floor (csv-parse columns → objects + JSON.stringify; first ${NAMED_FLOOR_PAIRS} pairs)`,
            value: `${count(pipeline)} rows/s`,
            baseline: `${count(named)} rows/s`,
            ratio: `${fixed(namedRatio)}× time`,
            target: 'report',
            pass: null,
          },
          {
            what: 'pipeline CPU time vs raw floor CPU time (user + sys, less sensitive to load)',
            value: `${fixed(median(pairs.b.map((run) => run.cpuMs)) / 1000)} s CPU`,
            baseline: `${fixed(median(pairs.a.map((floors) => floors.raw.cpuMs)) / 1000)} s CPU`,
            ratio: `${fixed(cpuRatio)}× CPU`,
            target: 'report',
            pass: null,
            key: `b1.${index === 0 ? 'data' : 'mixed'}.cpu`,
            ratioValue: cpuRatio,
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
