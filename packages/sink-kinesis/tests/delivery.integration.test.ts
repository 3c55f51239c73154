import { Metric } from '@offloader/core';
import {
  createTestSink,
  type FaultProxy,
  type LocalKinesis,
  startFaultProxy,
  startLocalKinesis,
  trendRecords,
  writeAll,
} from '@offloader/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tailStream } from '../src/index.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../src/local/index.js';

let local: LocalKinesis;
let proxy: FaultProxy;

beforeAll(async () => {
  local = await startLocalKinesis({
    streams: [
      { name: 'trend', shards: 2 },
      { name: 'retry', shards: 2 },
      { name: 'kpl', shards: 2 },
      { name: 'gzip', shards: 1 },
    ],
  });
  proxy = await startFaultProxy({ target: local.endpoint });
});

afterAll(async () => {
  await proxy?.close();
  await local?.close();
});

async function readAll(stream: string) {
  const records = [];
  for await (const record of tailStream({
    endpoint: local.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    stream,
  })) {
    records.push(record);
  }
  return records;
}

const sinkOptions = (stream: string) => ({
  endpoint: proxy.endpoint,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  streams: { data: stream },
  retry: { maxAttempts: 0, maxElapsedMs: 60_000, baseDelayMs: 5, maxDelayMs: 50 },
});

describe('delivery through the fault proxy to kinesalite', () => {
  it('delivers 20,000 records and reads every one back with identical content', async () => {
    proxy.resetCounters();
    const { sink, services } = await createTestSink(sinkOptions('trend'));
    // It sends the bytes alone, so the runner drops each record's JSON value once the bytes are made.
    expect(sink.writesDataOnly).toBe(true);
    const records = trendRecords(20_000);
    const started = performance.now();
    const outcomes = await writeAll(sink, records);
    const seconds = (performance.now() - started) / 1000;
    await sink.stop();
    console.log(
      `20,000 records via proxy to kinesalite: ${(20_000 / seconds).toFixed(0)} records/s (${seconds.toFixed(2)} s)`,
    );

    expect(outcomes.every((outcome) => outcome.status === 'delivered')).toBe(true);
    expect(proxy.counters.putRecordsRequests).toBe(40);
    const back = await readAll('trend');
    expect(back).toHaveLength(20_000);
    const sent = records.map((r) => `${r.partitionKey}|${Buffer.from(r.data as Uint8Array).toString('utf8')}`).sort();
    const read = back.map((r) => `${r.partitionKey}|${r.data.toString('utf8')}`).sort();
    expect(read).toEqual(sent);
    // Delivered outcomes name the shard and sequence number Kinesis returned.
    const bySequence = new Map(back.map((r) => [r.sequenceNumber, r.shardId]));
    for (const outcome of outcomes) {
      if (outcome.status !== 'delivered') throw new Error('not delivered');
      expect(bySequence.get(outcome.sequenceNumber as string)).toBe(outcome.shardId);
    }
    const stats = services.metrics;
    expect(await stats.total(Metric.recordsPut, { stream: 'trend' })).toBe(20_000);
    const shards = new Set(back.map((r) => r.shardId));
    expect(shards.size).toBe(2);
    for (const shard of shards) {
      expect(await stats.value(Metric.recordsPut, { stream: 'trend', shard })).toBe(
        back.filter((r) => r.shardId === shard).length,
      );
    }
    expect(await stats.total(Metric.bytesPut, { stream: 'trend' })).toBe(
      records.reduce((sum, r) => sum + (r.data as Uint8Array).length + Buffer.byteLength(r.partitionKey as string), 0),
    );
    expect(await stats.total(Metric.putRequests, { stream: 'trend' })).toBe(40);
  });

  it('with 30 % of records failed by the proxy, retries only the failed ones and loses none', async () => {
    proxy.resetCounters();
    proxy.set({ throttleFraction: 0.15, internalFailureFraction: 0.15 });
    const { sink, services } = await createTestSink(sinkOptions('retry'));
    const records = trendRecords(3_000);
    try {
      const outcomes = await writeAll(sink, records);
      expect(outcomes.filter((outcome) => outcome.status === 'delivered')).toHaveLength(3_000);
    } finally {
      proxy.set({ throttleFraction: 0, internalFailureFraction: 0 });
      await sink.stop();
    }
    const c = proxy.counters;
    const injected = c.injectedThrottled + c.injectedInternalFailures;
    expect(injected / c.recordsSeen, `fault seed ${proxy.seed}`).toBeGreaterThan(0.2);
    // Every record was sent once plus once per injected failure: nothing else was resent.
    expect(c.recordsSeen).toBe(3_000 + injected);
    expect(c.recordsForwarded).toBe(3_000);
    expect(await services.metrics.total(Metric.retries, { stream: 'retry' })).toBe(injected);
    expect(await services.metrics.total(Metric.recordsThrottled, { stream: 'retry' })).toBe(c.injectedThrottled);
    expect(await services.metrics.total(Metric.recordErrors, { stream: 'retry', code: 'InternalFailure' })).toBe(
      c.injectedInternalFailures,
    );
    const back = await readAll('retry');
    expect(back).toHaveLength(3_000);
    expect(new Set(back.map((r) => r.data.toString('utf8'))).size).toBe(3_000);
  });

  it('KPL-aggregated records read back de-aggregated and identical', async () => {
    proxy.resetCounters();
    const { sink, services } = await createTestSink({
      ...sinkOptions('kpl'),
      aggregation: 'kpl',
      maxBatchRecords: 2_000,
    });
    const records = trendRecords(5_000);
    const outcomes = await writeAll(sink, records);
    await sink.stop();
    expect(outcomes.every((outcome) => outcome.status === 'delivered')).toBe(true);
    // 5,000 small user records travel as a handful of Kinesis records.
    expect(proxy.counters.recordsSucceeded).toBeLessThan(20);
    expect(await services.metrics.total('user_records_put_total', { stream: 'kpl' })).toBe(5_000);
    const back = await readAll('kpl');
    expect(back).toHaveLength(5_000);
    const sent = records.map((r) => `${r.partitionKey}|${Buffer.from(r.data as Uint8Array).toString('utf8')}`);
    expect(back.map((r) => `${r.partitionKey}|${r.data.toString('utf8')}`).sort()).toEqual(sent.sort());
  });

  it('gzip compresses each record; gunzip gives the original back', async () => {
    const { gunzipSync } = await import('node:zlib');
    const { sink } = await createTestSink({ ...sinkOptions('gzip'), compression: 'gzip' });
    // The gzipped bytes are not the JSON: the runner must keep each record's value for the quarantine.
    expect(sink.writesDataOnly).toBe(false);
    const records = trendRecords(200);
    const originals = records.map((r) => JSON.stringify(r.value));
    const outcomes = await writeAll(sink, records);
    await sink.stop();
    expect(outcomes.every((outcome) => outcome.status === 'delivered')).toBe(true);
    const back = await readAll('gzip');
    expect(back.map((r) => gunzipSync(r.data).toString('utf8')).sort()).toEqual(originals.sort());
  });
});
