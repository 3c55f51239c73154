// @ts-check
// The loop a user would write without Offloader: SDK v3, PutRecords of 500, one call at a time, awaited.
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { finish, workerInput } from '../lib/fork.js';
import { localClient } from '../lib/localClient.js';
import { defaultPartitionKey, trendValue } from '../lib/trendRecords.js';

const { endpoint, stream, count } = workerInput();
const client = localClient(endpoint);

const started = process.hrtime.bigint();
let accepted = 0;
let calls = 0;
for (let start = 0; start < count; start += 500) {
  let records = [];
  for (let i = start; i < Math.min(count, start + 500); i += 1) {
    const value = trendValue(i);
    records.push({ Data: Buffer.from(JSON.stringify(value)), PartitionKey: defaultPartitionKey(value) });
  }
  // Even a naive loop must not lose records: resend the failed ones until none is left.
  while (records.length > 0) {
    calls += 1;
    const answer = await client.send(new PutRecordsCommand({ StreamName: stream, Records: records }));
    const results = answer.Records ?? [];
    accepted += results.filter((result) => result.SequenceNumber && !result.ErrorCode).length;
    records = records.filter((_, index) => !results[index]?.SequenceNumber || results[index]?.ErrorCode);
  }
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const cpu = process.cpuUsage();
const cpuMs = (cpu.user + cpu.system) / 1000;
client.destroy();
finish({ ms, cpuMs, sent: count, accepted, calls });
