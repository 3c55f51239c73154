// @ts-check
// B5: how soon a written offload file is in the stream. A writer drops a file every 200 ms (half renamed into
// place, half written in place); latency = file complete → the source finished it (every record acknowledged
// by the local Kinesis, file deleted), p50/p99/max, with the shipped defaults and the low-latency settings.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropFile, startLive } from './lib/live.js';
import { startKinesisServer } from './lib/server.js';
import { count, fixed } from './lib/stats.js';

const EVERY_MS = 200;
const ROWS_PER_FILE = 200;
const KINDS = /** @type {const} */ (['data', 'dataavg', 'alarm']);
/** The low-latency settings of docs/latency-and-footprint.md. */
export const LOW_LATENCY = {
  source: { watch: true, complete: { mode: 'stable', settleMs: 300 } },
  sink: { lingerMs: 20 },
};
const P99_TARGET_MS = 1000;
/**
 * Files written during the first poll interval of the shipped defaults (10 s) after the pipeline started: with
 * polling, those wait for the first poll that sees them (up to 10 s), or not, depending on where the writer's
 * start falls between the pipeline's polls; that race made the defaults' p99 read 5.3 s in one run and 9.8 s in
 * the next. They are written and delivered like the rest, and reported on their own, not in the percentiles.
 */
const WARM_UP_FILES = 10_000 / EVERY_MS;

/**
 * @param {{ files: number, log: (line: string) => void }} options
 * @returns {Promise<import('./lib/report.js').Table[]>}
 */
export async function runB5(options) {
  const server = await startKinesisServer();
  try {
    const configs = [
      { key: 'defaults', label: 'shipped defaults (poll 10 s, settle 5 s, linger 200 ms)', source: {}, sink: {} },
      {
        key: 'low-latency',
        label: 'low-latency settings (watch: true, settleMs 300, lingerMs 20)',
        source: LOW_LATENCY.source,
        sink: LOW_LATENCY.sink,
      },
    ];
    const rows = [];
    const notes = [
      `A writer drops a ${ROWS_PER_FILE}-row offload file every ${EVERY_MS} ms (Data, DataAvg and alarm files in ` +
        `turn; even files written as <name>.tmp and renamed into place, odd files written in place), ${count(options.files)} ` +
        `files per configuration after ${WARM_UP_FILES} warm-up files (the first 10 s). Latency = file complete ` +
        '(closed or renamed) → the source finished the file: every record acknowledged by kinesalite (own process, ' +
        '127.0.0.1), then the file deleted. The two configurations run side by side (own writer, folder, pipeline ' +
        'process and stream each, one kinesalite).',
    ];
    // Both configurations run at the same time, each with its own writer, folder, pipeline process and stream:
    // one file every 200 ms is light work, and one after the other they took 2.4 of the bench's 20 minutes.
    const measured = await Promise.all(configs.map((config) => measure(server, config, options)));
    for (const [index, config] of configs.entries()) {
      const latencies = measured[index];
      const all = [...latencies.rename, ...latencies['in-place']];
      const figures = percentiles(all);
      options.log(
        `  B5 ${config.key}: p50 ${fixed(figures.p50)} ms, p99 ${fixed(figures.p99)} ms, max ${fixed(figures.max)} ms over ${all.length} files` +
          ` (missing ${latencies.missing})`,
      );
      const byWay = ['rename', 'in-place']
        .map((way) => {
          const p = percentiles(latencies[/** @type {'rename' | 'in-place'} */ (way)]);
          return `${way}: p50 ${fixed(p.p50, 0)} / p99 ${fixed(p.p99, 0)} / max ${fixed(p.max, 0)} ms`;
        })
        .join('; ');
      const warmUp = percentiles(latencies.warmUp);
      notes.push(
        `${config.label}: ${byWay}; files not delivered before the end: ${latencies.missing}; warm-up files: ` +
          `p50 ${fixed(warmUp.p50, 0)} / max ${fixed(warmUp.max, 0)} ms.`,
      );
      const lowLatency = config.key === 'low-latency';
      rows.push({
        what: `latency p50 / p99 / max, ${config.label}`,
        value: `${fixed(figures.p50, 0)} / ${fixed(figures.p99, 0)} / ${fixed(figures.max, 0)} ms`,
        baseline: `${count(all.length)} files`,
        ratio: lowLatency ? fixed(figures.p99 / P99_TARGET_MS) : '–',
        target: lowLatency ? `p99 ≤ ${P99_TARGET_MS} ms` : 'report',
        pass: lowLatency ? figures.p99 <= P99_TARGET_MS && latencies.missing === 0 : null,
        key: `b5.${config.key}.p99-ms`,
        ratioValue: figures.p99,
      });
    }
    notes.push(
      'Defaults: a file is read once it has been quiet for settleMs (5 s, judged from its mtime), so p50 sits just ' +
        'above 5 s; while files keep coming, each settle time rescans the folder. The first file after an idle ' +
        'spell waits for the next poll instead (up to 10 s): the warm-up files show it.',
    );
    return [{ title: 'B5 latency: file complete → every record acknowledged by Kinesis', notes, rows }];
  } finally {
    await server.close();
  }
}

/**
 * One configuration: a fresh folder and stream, the pipeline started, the writer run, then a wait (bounded) for
 * the last files.
 * @param {import('./lib/server.js').KinesisServer} server
 * @param {{ key: string, source: object, sink: object }} config
 * @param {{ files: number, log: (line: string) => void }} options
 */
async function measure(server, config, options) {
  const root = mkdtempSync(join(tmpdir(), `offloader-bench-b5-${config.key}-`));
  const stream = `b5-${config.key}`;
  await server.createStream(stream, 4);
  const live = await startLive('pipeline-kinesis', {
    root,
    endpoint: server.kinesisEndpoint,
    streams: { data: stream, dataavg: stream, alarm: stream },
    sourceOptions: config.source,
    sinkOptions: config.sink,
  });
  /** @type {{ path: string, completeAt: number, how: 'rename' | 'in-place' }[]} */
  const written = [];
  try {
    const started = Date.now();
    for (let seq = 0; seq < WARM_UP_FILES + options.files; seq += 1) {
      // Paced against the start, so a slow write does not stretch the whole run.
      const due = started + seq * EVERY_MS - Date.now();
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
      const how = seq % 2 === 0 ? 'rename' : 'in-place';
      written.push({ ...dropFile(root, KINDS[seq % KINDS.length], seq, ROWS_PER_FILE, how), how });
    }
    // The defaults need up to settle + poll (15 s) for the last file; give every configuration 30 s at most.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && written.some((file) => !live.delivered.has(file.path))) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    const last = await live.stop();
    if (live.errors.length) options.log(`  B5 ${config.key}: errors ${live.errors.join(' | ')}`);
    if (last && !last.ok) options.log(`  B5 ${config.key}: pipeline ended with ${JSON.stringify(last.errors)}`);
    rmSync(root, { recursive: true, force: true });
  }
  /** @type {{ rename: number[], 'in-place': number[], warmUp: number[], missing: number }} */
  const latencies = { rename: [], 'in-place': [], warmUp: [], missing: 0 };
  for (const [seq, file] of written.entries()) {
    const at = live.delivered.get(file.path);
    if (at === undefined) latencies.missing += 1;
    else if (seq < WARM_UP_FILES) latencies.warmUp.push(at - file.completeAt);
    else latencies[file.how].push(at - file.completeAt);
  }
  return latencies;
}

/** p50, p99 and max of `values` (nearest rank). @param {number[]} values */
export function percentiles(values) {
  if (values.length === 0) return { p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (/** @type {number} */ p) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { p50: rank(50), p99: rank(99), max: sorted[sorted.length - 1] };
}
