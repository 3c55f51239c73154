// @ts-check
// B3: how close the kinesis sink gets to a 4-shard stream's provisioned write capacity, with and without KPL.
import { runWorker } from './lib/fork.js';
import { describePairs, interleave, summarise } from './lib/pairs.js';
import { readBack } from './lib/readBack.js';
import { startKinesisServer } from './lib/server.js';
import { count, fixed, median } from './lib/stats.js';

const SHARDS = 4;
const PROVISIONED_RECORDS = SHARDS * 1000;
const PROVISIONED_BYTES = SHARDS * 1024 * 1024;
/** Aggregates capped at 32 KiB pack into each shard's per-second byte budget; see the table notes. */
const KPL_OPTIONS = { aggregation: 'kpl', maxBatchRecords: 2000, maxRecordBytes: 32_768 };

/**
 * @param {{ plainRecords: number, kplRecords: number, log: (line: string) => void }} options
 * @returns {Promise<import('./lib/report.js').Table[]>}
 */
export async function runB3(options) {
  const server = await startKinesisServer();
  try {
    await server.set({ shardLimits: true });
    // A = the un-aggregated run and the aws-kinesis-agg peer (the baselines), B = the KPL run.
    const pairs = await interleave({
      label: 'B3 KPL vs un-aggregated',
      log: options.log,
      a: async (pair) => ({
        plain: await measure(server, `b3-plain-${pair}`, options.plainRecords, 'offloader-producer', {}, options.log),
        peer: await measure(server, `b3-agg-${pair}`, options.kplRecords, 'agg-producer', {}, options.log),
      }),
      b: (pair) =>
        measure(server, `b3-kpl-${pair}`, options.kplRecords, 'offloader-producer', KPL_OPTIONS, options.log),
      ratio: (baselines, kplRun) => kplRun.rate / baselines.plain.rate,
    });
    const plain = pairs.a.map((baselines) => baselines.plain);
    const peer = pairs.a.map((baselines) => baselines.peer);
    const kpl = pairs.b;
    const peerRatios = summarise(kpl.map((run, i) => run.rate / peer[i].rate));
    const plainRate = median(plain.map((run) => run.rate));
    const kplRate = median(kpl.map((run) => run.rate));
    const peerRate = median(peer.map((run) => run.rate));
    const kplBytes = median(kpl.map((run) => run.bytesPerSecond));
    const peerBytes = median(peer.map((run) => run.bytesPerSecond));
    const lost = (/** @type {{ lost: number }[]} */ runs) => runs.reduce((sum, run) => sum + run.lost, 0);
    const seconds = (/** @type {{ seconds: number }[]} */ runs) => fixed(median(runs.map((run) => run.seconds)), 1);
    return [
      {
        title: `B3 shard limits: ${SHARDS}-shard stream, proxy enforcing 1,000 records/s and 1 MiB/s per shard`,
        notes: [
          `Un-aggregated: ${count(options.plainRecords)} records (median ${seconds(plain)} s); KPL: ` +
            `${count(options.kplRecords)} user records (median ${seconds(kpl)} s). Sink defaults ` +
            `(4 in flight, AIMD, retries of throttled records only); KPL run: aggregation kpl, maxBatchRecords 2000, ` +
            'maxRecordBytes 32768 (small aggregates spread over the shards and fill each per-second byte budget; ' +
            'a single aggregate per write, the default, lands on one shard and is retried whole when throttled).',
          `Peer: the same ${count(options.kplRecords)} user records packed by aws-kinesis-agg 4.2.8 in aggregates ` +
            `of 100 user records (≈ 30 KiB, like the KPL run) and sent with the SDK in a simple loop (PutRecords ` +
            `of up to 500 aggregates / 5 MiB, one call at a time, throttled aggregates resent after 100 ms); ` +
            `median ${seconds(peer)} s.`,
          'Proxy forwards to kinesalite; every stream is read back past the proxy, KPL aggregates de-aggregated, ' +
            'and distinct user records counted.',
          `KPL / un-aggregated: ${describePairs(pairs)}. KPL / peer: per-pair ratios ` +
            `${fixed(peerRatios.min)}–${fixed(peerRatios.max)}, spread ±${fixed(peerRatios.spreadPct, 1)} %.`,
        ],
        rows: [
          {
            what: 'records/s un-aggregated, % of provisioned (4 × 1,000 records/s)',
            value: `${count(plainRate)} (${fixed((100 * plainRate) / PROVISIONED_RECORDS, 1)} %)`,
            baseline: `${count(PROVISIONED_RECORDS)} provisioned`,
            ratio: fixed(plainRate / PROVISIONED_RECORDS),
            target: '≥ 95 %',
            pass: plainRate / PROVISIONED_RECORDS >= 0.95,
            key: 'b3.plain.provisioned',
            ratioValue: plainRate / PROVISIONED_RECORDS,
          },
          lossRow('records lost un-aggregated (sent − read back), all pairs', lost(plain)),
          {
            what: 'user records/s with aggregation: kpl',
            value: count(kplRate),
            baseline: `${count(plainRate)} (un-aggregated run)`,
            ratio: `${fixed(pairs.median)}×`,
            target: '≥ 3×',
            pass: pairs.median >= 3,
            key: 'b3.kpl.vs.plain',
            ratioValue: pairs.median,
            spreadPct: pairs.spreadPct,
          },
          {
            what: 'user records/s with aggregation: kpl, vs aws-kinesis-agg + SDK simple loop',
            value: count(kplRate),
            baseline: `${count(peerRate)} (aws-kinesis-agg peer)`,
            ratio: `${fixed(peerRatios.median)}×`,
            target: 'report',
            pass: null,
            key: 'b3.kpl.vs.agg-peer',
            ratioValue: peerRatios.median,
            spreadPct: peerRatios.spreadPct,
          },
          {
            what: 'KPL bytes/s accepted, % of provisioned (4 × 1 MiB/s)',
            value: `${fixed(kplBytes / 1024 / 1024)} MiB/s (${fixed((100 * kplBytes) / PROVISIONED_BYTES, 1)} %)`,
            baseline: '4.00 MiB/s provisioned',
            ratio: fixed(kplBytes / PROVISIONED_BYTES),
            target: 'report',
            pass: null,
          },
          {
            what: 'aws-kinesis-agg peer bytes/s accepted, % of provisioned',
            value: `${fixed(peerBytes / 1024 / 1024)} MiB/s (${fixed((100 * peerBytes) / PROVISIONED_BYTES, 1)} %)`,
            baseline: '4.00 MiB/s provisioned',
            ratio: fixed(peerBytes / PROVISIONED_BYTES),
            target: 'report',
            pass: null,
          },
          lossRow('user records lost with KPL (sent − read back after de-aggregation)', lost(kpl)),
          lossRow('user records lost by the aws-kinesis-agg peer (sent − read back)', lost(peer)),
        ],
      },
    ];
  } finally {
    await server.close();
  }
}

/** @param {string} what @param {number} lost @returns {import('./lib/report.js').Row} */
function lossRow(what, lost) {
  return { what, value: count(lost), baseline: '0', ratio: '–', target: '0', pass: lost === 0 };
}

/**
 * @param {import('./lib/server.js').KinesisServer} server
 * @param {string} stream
 * @param {number} records
 * @param {string} worker
 * @param {Record<string, unknown>} sinkOptions
 * @param {(line: string) => void} log
 */
async function measure(server, stream, records, worker, sinkOptions, log) {
  await server.createStream(stream, SHARDS);
  await server.reset();
  const result = await runWorker(worker, {
    endpoint: server.proxyEndpoint,
    stream,
    count: records,
    sinkOptions,
  });
  const counters = await server.counters();
  const back = await readBack(server.kinesisEndpoint, stream);
  const seconds = result.ms / 1000;
  const run = {
    seconds,
    rate: records / seconds,
    bytesPerSecond: counters.bytesSucceeded / seconds,
    lost: records - back.distinct,
  };
  log(
    `  B3 ${stream}: ${count(run.rate)} records/s in ${fixed(seconds, 1)} s; producer counted ${count(result.accepted)}, ` +
      `proxy throttled ${count(counters.shardLimited)} Kinesis records, read back ${count(back.total)} ` +
      `(${count(back.distinct)} distinct)`,
  );
  return run;
}
