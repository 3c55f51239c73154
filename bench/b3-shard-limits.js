// @ts-check
// B3: how close the kinesis sink gets to a 4-shard stream's provisioned write capacity, with and without KPL.
import { runWorker } from './lib/fork.js';
import { readBack } from './lib/readBack.js';
import { startKinesisServer } from './lib/server.js';
import { count, fixed, median } from './lib/stats.js';

const SHARDS = 4;
const PROVISIONED_RECORDS = SHARDS * 1000;
const PROVISIONED_BYTES = SHARDS * 1024 * 1024;
/** Aggregates capped at 32 KiB pack into each shard's per-second byte budget; see the table notes. */
const KPL_OPTIONS = { aggregation: 'kpl', maxBatchRecords: 2000, maxRecordBytes: 32_768 };

/**
 * @param {{ reps: number, plainRecords: number, kplRecords: number, log: (line: string) => void }} options
 * @returns {Promise<import('./lib/report.js').Table[]>}
 */
export async function runB3(options) {
  const server = await startKinesisServer();
  try {
    await server.set({ shardLimits: true });
    const plain = [];
    const kpl = [];
    for (let rep = 0; rep < options.reps; rep += 1) {
      plain.push(await measure(server, `b3-plain-${rep}`, options.plainRecords, {}, options.log));
      kpl.push(await measure(server, `b3-kpl-${rep}`, options.kplRecords, KPL_OPTIONS, options.log));
    }
    const plainRate = median(plain.map((run) => run.rate));
    const kplRate = median(kpl.map((run) => run.rate));
    const kplBytes = median(kpl.map((run) => run.bytesPerSecond));
    const lost = (/** @type {{ lost: number }[]} */ runs) => runs.reduce((sum, run) => sum + run.lost, 0);
    const plainSeconds = median(plain.map((run) => run.seconds));
    const kplSeconds = median(kpl.map((run) => run.seconds));
    return [
      {
        title: `B3 shard limits: ${SHARDS}-shard stream, proxy enforcing 1,000 records/s and 1 MiB/s per shard`,
        notes: [
          `Un-aggregated: ${count(options.plainRecords)} records (median ${fixed(plainSeconds, 1)} s); KPL: ` +
            `${count(options.kplRecords)} user records (median ${fixed(kplSeconds, 1)} s). Sink defaults ` +
            `(4 in flight, AIMD, retries of throttled records only); KPL run: aggregation kpl, maxBatchRecords 2000, ` +
            'maxRecordBytes 32768 (small aggregates spread over the shards and fill each per-second byte budget; ' +
            'a single aggregate per write, the default, lands on one shard and is retried whole when throttled).',
          'Proxy forwards to kinesalite; every stream is read back past the proxy, KPL aggregates de-aggregated, ' +
            'and distinct user records counted.',
        ],
        rows: [
          {
            what: 'records/s un-aggregated, % of provisioned (4 × 1,000 records/s)',
            value: `${count(plainRate)} (${fixed((100 * plainRate) / PROVISIONED_RECORDS, 1)} %)`,
            baseline: `${count(PROVISIONED_RECORDS)} provisioned`,
            ratio: fixed(plainRate / PROVISIONED_RECORDS),
            target: '≥ 95 %',
            pass: plainRate / PROVISIONED_RECORDS >= 0.95,
          },
          lossRow('records lost un-aggregated (sent − read back), all repetitions', lost(plain)),
          {
            what: 'user records/s with aggregation: kpl',
            value: count(kplRate),
            baseline: `${count(plainRate)} (un-aggregated run)`,
            ratio: `${fixed(kplRate / plainRate)}×`,
            target: '≥ 3×',
            pass: kplRate / plainRate >= 3,
          },
          {
            what: 'KPL bytes/s accepted, % of provisioned (4 × 1 MiB/s)',
            value: `${fixed(kplBytes / 1024 / 1024)} MiB/s (${fixed((100 * kplBytes) / PROVISIONED_BYTES, 1)} %)`,
            baseline: '4.00 MiB/s provisioned',
            ratio: fixed(kplBytes / PROVISIONED_BYTES),
            target: 'report',
            pass: null,
          },
          lossRow('user records lost with KPL (sent − read back after de-aggregation)', lost(kpl)),
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
 * @param {Record<string, unknown>} sinkOptions
 * @param {(line: string) => void} log
 */
async function measure(server, stream, records, sinkOptions, log) {
  await server.createStream(stream, SHARDS);
  await server.reset();
  const result = await runWorker('offloader-producer', {
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
    `  B3 ${stream}: ${count(run.rate)} records/s in ${fixed(seconds, 1)} s; sink delivered ${count(result.accepted)}, ` +
      `proxy throttled ${count(counters.shardLimited)} Kinesis records, read back ${count(back.total)} ` +
      `(${count(back.distinct)} distinct)`,
  );
  return run;
}
