// @ts-check
// B2: Offloader vs the naive producer a user would write, through the fault proxy with 20 ms added latency.
import { runWorker } from './lib/fork.js';
import { readBack } from './lib/readBack.js';
import { startKinesisServer } from './lib/server.js';
import { count, fixed, median } from './lib/stats.js';

const LATENCY_MS = 20;
const SHARDS = 4;

/**
 * @param {{ reps: number, acceptOnlyRecords: number, kinesaliteRecords: number, log: (line: string) => void }} options
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
      ),
      table(
        `B2b end to end, proxy → kinesalite with read-back, ${count(options.kinesaliteRecords)} records, +${LATENCY_MS} ms latency`,
        kinesalite,
        null,
        [
          `kinesalite itself tops out near 17k records/s, so this pair shows the server's cap, not the producers'; ` +
            `${count(options.kinesaliteRecords)} records (issue: 200,000) keep the write + read-back of 3 repetitions ` +
            'of both producers inside the 15-minute budget. Every record is read back past the proxy and counted.',
        ],
      ),
    ];
  } finally {
    await server.close();
  }
}

/**
 * Runs the naive loop and Offloader `reps` times each (alternating which goes first) against the proxy.
 * @param {import('./lib/server.js').KinesisServer} server
 * @param {string} label
 * @param {number} records
 * @param {{ reps: number, log: (line: string) => void }} options
 * @param {boolean} acceptOnly
 */
async function measurePair(server, label, records, options, acceptOnly) {
  await server.set({ acceptOnly });
  /** @type {Record<'naive' | 'offloader', { rates: number[], problems: string[] }>} */
  const results = { naive: { rates: [], problems: [] }, offloader: { rates: [], problems: [] } };
  for (let rep = 0; rep < options.reps; rep += 1) {
    const order = rep % 2 === 0 ? ['naive', 'offloader'] : ['offloader', 'naive'];
    for (const producer of /** @type {('naive' | 'offloader')[]} */ (order)) {
      const stream = `b2-${label}-${producer}-${rep}`;
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
      const received = acceptOnly
        ? counters.recordsSucceeded
        : (await readBack(server.kinesisEndpoint, stream)).distinct;
      const via = acceptOnly ? 'accepted by proxy' : 'read back (distinct)';
      options.log(
        `  B2 ${label} ${producer} rep ${rep + 1}: ${count(rate)} records/s (${fixed(result.ms / 1000)} s, ` +
          `producer CPU ${fixed(result.cpuMs / 1000)} s); sent ${count(records)}, producer counted ` +
          `${count(result.accepted)} accepted, ${via} ${count(received)}`,
      );
      results[producer].rates.push(rate);
      if (result.accepted !== records || received !== records) {
        results[producer].problems.push(
          `rep ${rep + 1}: sent ${records}, accepted ${result.accepted}, ${via} ${received}`,
        );
      }
    }
  }
  return { records, ...results };
}

/**
 * @param {string} title
 * @param {Awaited<ReturnType<typeof measurePair>>} pair
 * @param {number | null} targetRatio
 * @param {string[]} notes
 * @returns {import('./lib/report.js').Table}
 */
function table(title, pair, targetRatio, notes) {
  const naive = median(pair.naive.rates);
  const offloader = median(pair.offloader.rates);
  const ratio = offloader / naive;
  const lossless = pair.naive.problems.length === 0 && pair.offloader.problems.length === 0;
  const problems = [
    ...pair.naive.problems.map((p) => `naive ${p}`),
    ...pair.offloader.problems.map((p) => `offloader ${p}`),
  ];
  return {
    title,
    notes: [...notes, ...problems.map((problem) => `Count mismatch: ${problem}`)],
    rows: [
      {
        what: 'records/s, Offloader (pipeline → kinesis sink, defaults: 4 in flight, 500/request; shardRate off)',
        value: count(offloader),
        baseline: `${count(naive)} (naive SDK loop)`,
        ratio: `${fixed(ratio)}×`,
        target: targetRatio === null ? 'report' : `≥ ${targetRatio}×`,
        pass: targetRatio === null ? null : ratio >= targetRatio,
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
