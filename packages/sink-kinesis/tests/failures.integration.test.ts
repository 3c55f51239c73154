import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { Metric, OffloaderError, type OffloadRecord, type RecordOutcome } from '@offloader/core';
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
import { createKinesisClient } from '../src/client.js';
import { KinesisLimits, tailStream } from '../src/index.js';
import { MIB } from '../src/limits.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../src/local/index.js';
import type { PutEntry, PutRecordsApi } from '../src/PutRecordsWriter.js';
import { testWriter } from './writerHarness.js';

let local: LocalKinesis;
let proxy: FaultProxy;

beforeAll(async () => {
  local = await startLocalKinesis({
    streams: [
      { name: 'big', shards: 1 },
      { name: 'outage', shards: 2 },
      { name: 'throttle', shards: 1 },
      { name: 'paced', shards: 2 },
      { name: 'unpaced', shards: 2 },
      { name: 'routes-a', shards: 1 },
      { name: 'routes-b', shards: 1 },
      { name: 'emoji', shards: 1 },
      { name: 'bisect', shards: 1 },
    ],
  });
  proxy = await startFaultProxy({ target: local.endpoint });
});

afterAll(async () => {
  await proxy?.close();
  await local?.close();
});

const fastRetry = { maxAttempts: 0, maxElapsedMs: 60_000, baseDelayMs: 5, maxDelayMs: 50 };
const sinkOptions = (streams: Record<string, string>) => ({
  endpoint: proxy.endpoint,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  streams,
  retry: fastRetry,
});

async function count(stream: string): Promise<number> {
  let n = 0;
  for await (const _ of tailStream({
    endpoint: local.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    stream,
  })) {
    n += 1;
  }
  return n;
}

const codeOf = (outcome: RecordOutcome) =>
  outcome.status === 'rejected' || outcome.status === 'failed' ? (outcome.error as OffloaderError).code : undefined;

describe('records that can never be sent', () => {
  it('rejects a 1 MiB+ record in prepare with RECORD_TOO_LARGE and an event; the rest goes on', async () => {
    proxy.resetCounters();
    const { sink, services } = await createTestSink(sinkOptions({ data: 'big' }));
    const records = trendRecords(20);
    const huge: OffloadRecord = {
      route: 'data',
      data: new Uint8Array(MIB),
      partitionKey: 'k',
      origin: { sourceId: 'test', file: 'C:\\offload\\big.csv', line: 7 },
    };
    // Exactly at the limit: data + key = 1 MiB, which Kinesis accepts.
    const edge: OffloadRecord = {
      route: 'data',
      data: new Uint8Array(MIB - 1),
      partitionKey: 'k',
      origin: { sourceId: 'test' },
    };
    records.splice(10, 0, huge, edge);
    const outcomes = await writeAll(sink, records);
    await sink.stop();
    expect(outcomes[10].status).toBe('rejected');
    expect(codeOf(outcomes[10])).toBe('RECORD_TOO_LARGE');
    expect(outcomes.filter((o) => o.status === 'delivered')).toHaveLength(21);
    expect(proxy.counters.largestRecordBytes).toBe(MIB);
    const event = services.events.list({ code: 'RECORD_TOO_LARGE' })[0];
    expect(event.file).toBe('C:\\offload\\big.csv');
    expect(event.record).toBe('line 7');
    expect(event.message).toMatch(/1048577 bytes/);
    expect(await count('big')).toBe(21);
  });

  it.each([
    ['an unmapped route', { route: 'alarm' }, 'ROUTE_UNMAPPED'],
    ['an empty partition key', { partitionKey: '' }, 'PARTITION_KEY_INVALID'],
    ['a 257-character partition key', { partitionKey: 'x'.repeat(257) }, 'PARTITION_KEY_INVALID'],
    ['a bad explicit hash key', { explicitHashKey: '2'.repeat(40) }, 'PARTITION_KEY_INVALID'],
  ])('rejects %s', async (_name, change, code) => {
    const { sink } = await createTestSink(sinkOptions({ data: 'big' }));
    const record = { ...trendRecords(1)[0], ...change };
    expect(() => sink.prepare(record)).toThrow(expect.objectContaining({ code, name: 'RecordRejectedError' }));
    await sink.stop();
  });

  it('routes by the streams map, falls back to defaultStream, and lets record.stream win', async () => {
    const { sink } = await createTestSink({ ...sinkOptions({ data: 'routes-a' }), defaultStream: 'routes-b' });
    const records = [
      ...trendRecords(3, 'data'),
      ...trendRecords(2, 'alarm'),
      { ...trendRecords(1, 'data')[0], stream: 'routes-b' },
    ];
    const outcomes = await writeAll(sink, records);
    await sink.stop();
    expect(outcomes.map((o) => (o.status === 'delivered' ? o.stream : o.status))).toEqual([
      'routes-a',
      'routes-a',
      'routes-a',
      'routes-b',
      'routes-b',
      'routes-b',
    ]);
    expect(sink.batching.keyOf?.(records[0])).toBe('routes-a');
    expect(sink.batching.keyOf?.(records[3])).toBe('routes-b');
  });

  it('splits an over-limit write into requests within 500 records and the byte budget', async () => {
    proxy.resetCounters();
    const { sink } = await createTestSink({ ...sinkOptions({ data: 'big' }), maxRequestBytes: 2 * MIB });
    const many = trendRecords(1_200);
    const heavy = Array.from({ length: 6 }, (_, i) => ({
      route: 'data',
      data: new Uint8Array(900 * 1024).fill(i),
      partitionKey: `heavy-${i}`,
      origin: { sourceId: 'test', index: i },
    }));
    for (const record of [...many, ...heavy]) sink.prepare(record);
    // One write with everything, as a buggy runner might send.
    const outcomes = await sink.write([...many, ...heavy], new AbortController().signal);
    await sink.stop();
    expect(outcomes.every((o) => o.status === 'delivered')).toBe(true);
    expect(proxy.counters.largestRequestRecords).toBeLessThanOrEqual(KinesisLimits.maxRecordsPerRequest);
    expect(proxy.counters.largestRequestBytes).toBeLessThanOrEqual(2 * MIB);
    expect(proxy.counters.putRecordsRequests).toBeGreaterThanOrEqual(5);
  });
});

describe('stream errors', () => {
  it('a missing stream fails the write with STREAM_NOT_FOUND and an event, pauses the route, and recovers', async () => {
    proxy.resetCounters();
    const { sink, services } = await createTestSink({ ...sinkOptions({ data: 'not-yet' }), pauseOnErrorMs: 300 });
    const first = await writeAll(sink, trendRecords(10));
    expect(first.every((o) => o.status === 'failed' && codeOf(o) === 'STREAM_NOT_FOUND')).toBe(true);
    expect(await services.metrics.total(Metric.recordsPut)).toBe(0);
    const [event] = services.events.list({ code: 'STREAM_NOT_FOUND' });
    expect(event.message).toMatch(/stream not-yet does not exist/);
    // While paused, writes fail fast without calling Kinesis.
    const requests = proxy.counters.putRecordsRequests;
    const second = await writeAll(sink, trendRecords(10));
    expect(second.every((o) => codeOf(o) === 'STREAM_NOT_FOUND')).toBe(true);
    expect(proxy.counters.putRecordsRequests).toBe(requests);
    // Someone creates the stream; after the pause the data goes through.
    await local.createStream({ name: 'not-yet', shards: 1 });
    await new Promise((resolve) => setTimeout(resolve, 350));
    const third = await writeAll(sink, trendRecords(10));
    await sink.stop();
    expect(third.every((o) => o.status === 'delivered')).toBe(true);
    expect(services.events.list({ code: 'STREAM_RECOVERED' })).toHaveLength(1);
  });

  it('rides out an outage (connections refused) and delivers everything once the endpoint is back', async () => {
    proxy.resetCounters();
    const { sink, services } = await createTestSink(sinkOptions({ data: 'outage' }));
    await proxy.setOutage(true);
    const pending = writeAll(sink, trendRecords(2_000));
    await new Promise((resolve) => setTimeout(resolve, 400));
    const unreachable = services.events.list({ code: 'STREAM_UNREACHABLE' });
    expect(unreachable).toHaveLength(1);
    expect(unreachable[0].message).toMatch(/ECONNREFUSED|ECONNRESET/);
    await proxy.setOutage(false);
    const outcomes = await pending;
    await sink.stop();
    expect(outcomes.every((o) => o.status === 'delivered')).toBe(true);
    expect(services.events.list({ code: 'STREAM_RECOVERED' })).toHaveLength(1);
    expect(await services.metrics.total(Metric.retries, { stream: 'outage' })).toBeGreaterThan(0);
    expect(await count('outage')).toBe(2_000);
  });

  it('gives up after maxAttempts with `failed` outcomes and an event, never `delivered`', async () => {
    proxy.set({ http500Fraction: 1 });
    const { sink, services } = await createTestSink({
      ...sinkOptions({ data: 'outage' }),
      retry: { maxAttempts: 3, maxElapsedMs: 0, baseDelayMs: 1, maxDelayMs: 5 },
    });
    try {
      const outcomes = await writeAll(sink, trendRecords(5));
      expect(outcomes.every((o) => o.status === 'failed' && codeOf(o) === 'SINK_RETRIES_EXHAUSTED')).toBe(true);
      expect(services.events.list({ code: 'SINK_RETRIES_EXHAUSTED' })[0].message).toMatch(/after 3 attempt/);
    } finally {
      proxy.set({ http500Fraction: 0 });
      await sink.stop();
    }
  });
});

describe('throttling', () => {
  it('per-shard limits throttle; concurrency drops, every record arrives, and concurrency recovers', async () => {
    proxy.resetCounters();
    // A quota of 250 records/s: 800 records sent at once exceed it on any machine, however loaded.
    proxy.set({ shardLimits: true, shardRecordsPerSecond: 250 });
    const { sink, services } = await createTestSink({
      ...sinkOptions({ data: 'throttle' }),
      maxInFlight: 8,
      maxBatchRecords: 100,
      // This test is about the throttling path (AIMD, events); pacing would avoid most of the throttling.
      shardRate: { enabled: false, percent: 100 },
    });
    let lowest = sink.maxInFlight();
    const watch = setInterval(() => {
      lowest = Math.min(lowest, sink.maxInFlight());
    }, 5);
    try {
      const outcomes = await writeAll(sink, trendRecords(1_000));
      expect(outcomes.every((o) => o.status === 'delivered')).toBe(true);
    } finally {
      clearInterval(watch);
      proxy.set({ shardLimits: false, shardRecordsPerSecond: KinesisLimits.shardRecordsPerSecond });
    }
    expect(proxy.counters.shardLimited).toBeGreaterThan(0);
    expect(lowest).toBeLessThan(8);
    expect(await services.metrics.total(Metric.recordsThrottled, { stream: 'throttle' })).toBe(
      proxy.counters.shardLimited,
    );
    expect(services.events.list({ code: 'THROTTLING_STARTED' })).toHaveLength(1);
    // Quiet period, then clean writes raise the limit back and end the throttling episode.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const outcomes = await writeAll(sink, trendRecords(5_000, 'data', 10_000));
    await sink.stop();
    expect(outcomes.every((o) => o.status === 'delivered')).toBe(true);
    expect(sink.maxInFlight()).toBe(8);
    expect(await services.metrics.value(Metric.concurrency, { sink: 'kinesis-test' })).toBe(8);
    expect(services.events.list({ code: 'THROTTLING_ENDED' })).toHaveLength(1);
  });

  it('per-shard pacing keeps the same load under the quota: every record arrives with far fewer throttles', async () => {
    // The proxy counts per wall-clock second; a token bucket of one second at rate r can put 2r into one such
    // second, and a late request more. So the pacer aims at 100 records/s per shard (percent 10) under a quota
    // of 250: paced stays under it even with a second of delay, while 800 records sent at once unpaced exceed
    // it on any machine, however loaded.
    const counts: Record<string, number> = {};
    for (const enabled of [false, true]) {
      proxy.resetCounters();
      proxy.set({ shardLimits: true, shardRecordsPerSecond: 250 });
      const stream = enabled ? 'paced' : 'unpaced';
      const { sink } = await createTestSink({
        ...sinkOptions({ data: stream }),
        maxInFlight: 8,
        maxBatchRecords: 100,
        shardRate: { enabled, percent: 10 },
      });
      try {
        const outcomes = await writeAll(sink, trendRecords(1_000));
        expect(outcomes.every((o) => o.status === 'delivered')).toBe(true);
      } finally {
        proxy.set({ shardLimits: false, shardRecordsPerSecond: KinesisLimits.shardRecordsPerSecond });
        await sink.stop();
      }
      counts[stream] = proxy.counters.shardLimited;
    }
    console.log(`records refused by the shard quota: ${JSON.stringify(counts)}`);
    expect(counts.unpaced, JSON.stringify(counts)).toBeGreaterThan(0);
    expect(counts.paced, JSON.stringify(counts)).toBeLessThan(counts.unpaced / 4);
  });
});

/** 129 emoji: 129 code points, but 258 UTF-16 code units, which is what the server counts. */
const EMOJI_KEY = '😀'.repeat(129);

describe('partition keys the server counts differently', () => {
  it('a key of 129 emoji is rejected before sending; the other records of the write are delivered', async () => {
    const { sink, services } = await createTestSink({
      endpoint: local.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      streams: { data: 'emoji' },
      shardRate: { enabled: false, percent: 100 },
      retry: { maxAttempts: 3, maxElapsedMs: 0, baseDelayMs: 5, maxDelayMs: 5 },
    });
    const records = trendRecords(10);
    const odd: OffloadRecord = { route: 'data', value: { n: 1 }, partitionKey: EMOJI_KEY, origin: { sourceId: 't' } };
    records.splice(4, 0, odd);
    // As the runner does: prepare() refuses the record, the rest of the batch is written.
    const outcomes = await writeAll(sink, records);
    const again = await writeAll(sink, trendRecords(5, 'data', 100));
    await sink.stop();
    expect(outcomes[4].status).toBe('rejected');
    expect(((outcomes[4] as { error: Error }).error as OffloaderError).code).toBe('PARTITION_KEY_INVALID');
    expect(outcomes.filter((outcome) => outcome.status === 'delivered')).toHaveLength(10);
    expect(again.every((outcome) => outcome.status === 'delivered')).toBe(true);
    expect(services.events.list({ code: 'PARTITION_KEY_INVALID' })).toHaveLength(1);
    expect(await count('emoji')).toBe(15);
  });
});

describe('a request the server refuses as a whole without naming a record', () => {
  function realWriter() {
    const client = createKinesisClient({
      endpoint: local.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const calls: number[] = [];
    const api: PutRecordsApi = {
      putRecords: (input, signal) => {
        calls.push(input.Records?.length ?? 0);
        return client.send(new PutRecordsCommand(input), { abortSignal: signal });
      },
    };
    const retry = { maxAttempts: 3, maxElapsedMs: 0, baseDelayMs: 1, maxDelayMs: 2 };
    const { writer, services } = testWriter(api, { retry, callDeadlineMs: 30_000 });
    return { writer, services, calls, close: () => client.destroy() };
  }
  const entry = (partitionKey: string, i: number): PutEntry => ({
    data: Buffer.from(`record ${i}`),
    partitionKey,
    bytes: 10,
    attempts: 0,
  });

  it('splits the request until the offenders are alone, rejects them with an event, delivers the rest', async () => {
    const { writer, services, calls, close } = realWriter();
    // Bypasses the sink's own checks, as a record the server refuses for a reason not checked here would.
    const entries = Array.from({ length: 40 }, (_, i) => entry(i === 7 || i === 30 ? EMOJI_KEY : `k${i}`, i));
    const results = await writer.deliver('bisect', entries, new AbortController().signal);
    const later = await writer.deliver('bisect', [entry('fine', 99)], new AbortController().signal);
    close();
    expect(results.filter((result) => result.ok)).toHaveLength(38);
    for (const index of [7, 30]) {
      const result = results[index];
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.rejected).toBe(true);
        expect((result.error as OffloaderError).code).toBe('RECORD_INVALID');
      }
    }
    expect(later[0].ok).toBe(true);
    // log2(40) levels at most, not one call per record.
    expect(calls.length).toBeLessThan(30);
    const events = services.events.list({ code: 'RECORD_INVALID' });
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events[0].message).toMatch(/ValidationException/);
    expect(services.events.list({ code: 'SINK_NON_RETRYABLE' })).toEqual([]);
    expect(await count('bisect')).toBe(39);
  });
});
