// @ts-check
// B2: Offloader vs the naive producer a user would write, through the fault proxy with 20 ms added latency.
import { runWorker } from './lib/fork.js';
import { describePairs, interleave } from './lib/pairs.js';
import { readBack } from './lib/readBack.js';
import { startKinesisServer } from './lib/server.js';
import { count, fixed, median } from './lib/stats.js';

const LATENCY_MS = 20;
const SHARDS = 4;

/**
 * @param {{ acceptOnlyRecords: number, kinesaliteRecords: number, log: (line: string) => void }} options
 * @returns {Promise<import('./lib/report.js').Table[]>}
 */
export async function runB2(options) {
  const server = await startKinesisServer();
  try {
    await server.set({ latencyMs: LATENCY_MS });
    const acceptOnly = await measurePair(server, 'accept', options.acceptOnlyRecords, options, true);
    const kinesalite = await measurePair(server, 'kinesalite', options.kinesaliteRecords, options, false);
    return [
      table(
        `B2a end to end, proxy accept-only mode, ${count(options.acceptOnlyRecords)} records, +${LATENCY_MS} ms latency`,
        acceptOnly,
        3,
        [
          'Proxy answers PutRecords like Kinesis (per-record ShardId from the MD5 hash ranges, SequenceNumber) and ' +
            'counts, storing nothing. Producer and proxy each run in their own process.',
        ],
        'b2.accept-only',
      ),
      table(
        `B2b end to end, proxy → kinesalite with read-back, ${count(options.kinesaliteRecords)} records, +${LATENCY_MS} ms latency`,
        kinesalite,
        null,
        [
          `kinesalite itself tops out near 17k records/s, so this pair shows the server's cap, not the producers'; ` +
            `${count(options.kinesaliteRecords)} records (issue: 200,000) keep the write + read-back of every pair ` +
            'of both producers inside the 20-minute budget. Every record is read back past the proxy and counted.',
        ],
        'b2.kinesalite',
      ),
    ];
  } finally {
    await server.close();
  }
}

/**
 * Runs the naive loop and Offloader in interleaved pairs against the proxy.
 * @param {import('./lib/server.js').KinesisServer} server
 * @param {string} label
 * @param {number} records
 * @param {{ log: (line: string) => void }} options
 * @param {boolean} acceptOnly
 */
async function measurePair(server, label, records, options, acceptOnly) {
  await server.set({ acceptOnly });
  /** @type {Record<'naive' | 'offloader', string[]>} */
  const problems = { naive: [], offloader: [] };
  const run = async (/** @type {'naive' | 'offloader'} */ producer, /** @type {number} */ pair) => {
    const stream = `b2-${label}-${producer}-${pair}`;
    await server.createStream(stream, SHARDS);
    await server.reset();
    const worker = producer === 'naive' ? 'naive-producer' : 'offloader-producer';
    const result = await runWorker(worker, {
      endpoint: server.proxyEndpoint,
      stream,
      count: records,
      // Neither the accept-only proxy nor kinesalite enforces a shard quota, so per-shard pacing (which would cap
      // a 4-shard stream at 4,000 records/s, as real Kinesis does) is off: B2 measures producer efficiency.
      sinkOptions: { shardRate: { enabled: false } },
    });
    const counters = await server.counters();
    const rate = (records / result.ms) * 1000;
    const received = acceptOnly ? counters.recordsSucceeded : (await readBack(server.kinesisEndpoint, stream)).distinct;
    const via = acceptOnly ? 'accepted by proxy' : 'read back (distinct)';
    options.log(
      `  B2 ${label} ${producer} pair ${pair + 1}: ${count(rate)} records/s (${fixed(result.ms / 1000)} s, ` +
        `producer CPU ${fixed(result.cpuMs / 1000)} s); sent ${count(records)}, producer counted ` +
        `${count(result.accepted)} accepted, ${via} ${count(received)}`,
    );
    if (result.accepted !== records || received !== records) {
      problems[producer].push(`pair ${pair + 1}: sent ${records}, accepted ${result.accepted}, ${via} ${received}`);
    }
    return { rate, cpuMs: result.cpuMs };
  };
  const pairs = await interleave({
    label: `B2 ${label}`,
    log: options.log,
    a: (pair) => run('naive', pair),
    b: (pair) => run('offloader', pair),
    ratio: (naive, offloader) => offloader.rate / naive.rate,
  });
  return { records, pairs, problems };
}

/**
 * @param {string} title
 * @param {Awaited<ReturnType<typeof measurePair>>} pair
 * @param {number | null} targetRatio
 * @param {string[]} notes
 * @param {string} key
 * @returns {import('./lib/report.js').Table}
 */
function table(title, pair, targetRatio, notes, key) {
  const naive = median(pair.pairs.a.map((run) => run.rate));
  const offloader = median(pair.pairs.b.map((run) => run.rate));
  const ratio = pair.pairs.median;
  const lossless = pair.problems.naive.length === 0 && pair.problems.offloader.length === 0;
  const problems = [
    ...pair.problems.naive.map((p) => `naive ${p}`),
    ...pair.problems.offloader.map((p) => `offloader ${p}`),
  ];
  const cpuPerRecord = (/** @type {{ cpuMs: number }[]} */ runs) =>
    fixed((1000 * median(runs.map((run) => run.cpuMs))) / pair.records, 1);
  return {
    title,
    notes: [
      ...notes,
      `Ratio = median of per-pair rate ratios: ${describePairs(pair.pairs)}. Producer CPU per 1,000 records: ` +
        `Offloader ${cpuPerRecord(pair.pairs.b)} ms, naive ${cpuPerRecord(pair.pairs.a)} ms.`,
      ...problems.map((problem) => `Count mismatch: ${problem}`),
    ],
    rows: [
      {
        what: 'records/s, Offloader (pipeline → kinesis sink, defaults: 4 in flight, 500/request; shardRate off)',
        value: count(offloader),
        baseline: `${count(naive)} (naive SDK loop)`,
        ratio: `${fixed(ratio)}×`,
        target: targetRatio === null ? 'report' : `≥ ${targetRatio}×`,
        pass: targetRatio === null ? null : ratio >= targetRatio,
        key,
        ratioValue: ratio,
        spreadPct: pair.pairs.spreadPct,
      },
      {
        what: 'records accounted for (sent = accepted = received), both producers, every repetition',
        value: lossless ? `${count(pair.records)} of ${count(pair.records)}` : 'mismatch (see notes)',
        baseline: 'sent',
        ratio: lossless ? '1.00' : '< 1',
        target: 'all',
        pass: lossless,
      },
    ],
  };
}
