// @ts-check
// B3's aggregation peer: the same user records packed by `aws-kinesis-agg` (the npm KPL aggregation library),
// sent with the SDK in a simple loop: PutRecords of the aggregates, one call at a time, failed ones resent.
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import agg from 'aws-kinesis-agg';
import { finish, workerInput } from '../lib/fork.js';
import { localClient } from '../lib/localClient.js';
import { defaultPartitionKey, trendValue } from '../lib/trendRecords.js';

/** User records per aggregate: ≈ 30 KiB, the size the KPL run caps its aggregates at (spread over the shards). */
const RECORDS_PER_AGGREGATE = 100;
/** PutRecords limits: 500 records and 5 MiB per request. */
const MAX_REQUEST_RECORDS = 500;
const MAX_REQUEST_BYTES = 5 * 1024 * 1024;

const { endpoint, stream, count } = workerInput();
const client = localClient(endpoint);

/**
 * The library's aggregates of `records` (it calls back once per ≤ 1 MB aggregate).
 * @param {{ partitionKey: string, data: Buffer }[]} records
 * @returns {Promise<{ Data: Buffer, PartitionKey: string }[]>}
 */
function aggregate(records) {
  return new Promise((resolve, reject) => {
    /** @type {{ Data: Buffer, PartitionKey: string }[]} */
    const out = [];
    agg.aggregate(
      records,
      (/** @type {any} */ encoded, /** @type {(error?: Error) => void} */ done) => {
        out.push({ Data: encoded.data, PartitionKey: encoded.partitionKey });
        done();
      },
      () => resolve(out),
      (/** @type {Error} */ error) => reject(error),
    );
  });
}

const started = process.hrtime.bigint();
let calls = 0;
let throttled = 0;
let pending = [];
/** Sends `pending` in requests within the PutRecords limits until every aggregate is accepted. */
async function sendPending() {
  while (pending.length > 0) {
    let bytes = 0;
    let take = 0;
    while (take < pending.length && take < MAX_REQUEST_RECORDS) {
      const size = pending[take].Data.length + pending[take].PartitionKey.length;
      if (take > 0 && bytes + size > MAX_REQUEST_BYTES) break;
      bytes += size;
      take += 1;
    }
    const request = pending.slice(0, take);
    calls += 1;
    const answer = await client.send(new PutRecordsCommand({ StreamName: stream, Records: request }));
    const results = answer.Records ?? [];
    const failed = request.filter((_, index) => !results[index]?.SequenceNumber || results[index]?.ErrorCode);
    throttled += failed.length;
    pending = [...failed, ...pending.slice(take)];
    // A simple loop still backs off when throttled, or it would only hammer the shard.
    if (failed.length > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

for (let start = 0; start < count; start += MAX_REQUEST_RECORDS * 4) {
  const end = Math.min(count, start + MAX_REQUEST_RECORDS * 4);
  for (let chunk = start; chunk < end; chunk += RECORDS_PER_AGGREGATE) {
    const records = [];
    for (let i = chunk; i < Math.min(end, chunk + RECORDS_PER_AGGREGATE); i += 1) {
      const value = trendValue(i);
      records.push({ partitionKey: defaultPartitionKey(value), data: Buffer.from(JSON.stringify(value)) });
    }
    pending.push(...(await aggregate(records)));
  }
  await sendPending();
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const cpu = process.cpuUsage();
client.destroy();
finish({ ms, cpuMs: (cpu.user + cpu.system) / 1000, sent: count, accepted: count, calls, throttled });
