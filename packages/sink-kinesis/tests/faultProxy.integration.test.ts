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
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../src/local/index.js';

let local: LocalKinesis;

beforeAll(async () => {
  local = await startLocalKinesis({ streams: [{ name: 'four', shards: 4 }] });
});

afterAll(async () => {
  await local?.close();
});

const options = (endpoint: string) => ({
  endpoint,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  streams: { data: 'four' },
  partitionKey: '{DMAID}/{EID}/{PID}',
});

describe('fault proxy', () => {
  it('acceptOnly answers like Kinesis: same shard as the server would pick, increasing sequence numbers, nothing stored', async () => {
    const proxy: FaultProxy = await startFaultProxy({ target: local.endpoint, faults: { acceptOnly: true } });
    const direct = await createTestSink(options(local.endpoint));
    const viaProxy = await createTestSink(options(proxy.endpoint));
    try {
      const stored = await writeAll(direct.sink, trendRecords(1_000));
      const accepted = await writeAll(viaProxy.sink, trendRecords(1_000));
      const shardOf = (o: (typeof stored)[number]) => (o.status === 'delivered' ? o.shardId : undefined);
      expect(accepted.map(shardOf)).toEqual(stored.map(shardOf));
      const sequences = accepted.map((o) => (o.status === 'delivered' ? BigInt(o.sequenceNumber as string) : 0n));
      expect(new Set(sequences).size).toBe(1_000);
      // Within one request (500 records) the numbers increase in record order.
      const firstRequest = sequences.slice(0, 500);
      expect(firstRequest.every((value, i) => i === 0 || value > firstRequest[i - 1])).toBe(true);
      expect(proxy.counters.recordsSucceeded).toBe(1_000);
      expect(proxy.counters.recordsForwarded).toBe(0);
      expect(Object.values(proxy.counters.perShard).reduce((a, b) => a + b, 0)).toBe(1_000);
      expect(Object.keys(proxy.counters.perShard)).toHaveLength(4);

      // Throughput the sink reaches when the server is not the bottleneck.
      proxy.resetCounters();
      const started = performance.now();
      const many = await writeAll(viaProxy.sink, trendRecords(50_000));
      const seconds = (performance.now() - started) / 1000;
      expect(many.every((o) => o.status === 'delivered')).toBe(true);
      expect(proxy.counters.recordsSucceeded).toBe(50_000);
      console.log(`acceptOnly: 50,000 records in ${seconds.toFixed(2)} s = ${(50_000 / seconds).toFixed(0)} records/s`);
    } finally {
      await direct.sink.stop();
      await viaProxy.sink.stop();
      await proxy.close();
    }
  });

  it('adds latency and answers HTTP 500 on demand; the sink retries through both', async () => {
    const proxy = await startFaultProxy({ target: local.endpoint, faults: { latencyMs: 30, http500Fraction: 0.5 } });
    const { sink } = await createTestSink({
      ...options(proxy.endpoint),
      retry: { maxAttempts: 0, maxElapsedMs: 30_000, baseDelayMs: 1, maxDelayMs: 10 },
    });
    try {
      const started = performance.now();
      const outcomes = await writeAll(sink, trendRecords(2_000, 'data', 5_000));
      expect(outcomes.every((o) => o.status === 'delivered')).toBe(true);
      expect(proxy.counters.http500).toBeGreaterThan(0);
      expect(proxy.counters.recordsForwarded).toBe(2_000);
      expect(performance.now() - started).toBeGreaterThanOrEqual(30);
    } finally {
      await sink.stop();
      await proxy.close();
    }
  });
});
