import {
  createTestSink,
  DEFAULT_FAULT_SEED,
  type FaultProxy,
  faultSeedFromEnv,
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

  it('fault rolls are seeded: the same seed fails the same records of the same requests', async () => {
    const run = async (seed: number) => {
      const proxy = await startFaultProxy({
        target: local.endpoint,
        seed,
        faults: { throttleFraction: 0.2, internalFailureFraction: 0.1, http500Fraction: 0.2 },
      });
      const { sink } = await createTestSink({
        ...options(proxy.endpoint),
        maxInFlight: 1,
        retry: { maxAttempts: 1, maxElapsedMs: 10_000, baseDelayMs: 1, maxDelayMs: 1 },
      });
      try {
        const outcomes = await writeAll(sink, trendRecords(1_500));
        const { injectedThrottled, injectedInternalFailures, http500 } = proxy.counters;
        return {
          seed: proxy.seed,
          statuses: outcomes.map((o) => o.status),
          injectedThrottled,
          injectedInternalFailures,
          http500,
        };
      } finally {
        await sink.stop();
        await proxy.close();
      }
    };
    const first = await run(7);
    const again = await run(7);
    const other = await run(8);
    expect(first.seed).toBe(7);
    expect(first.injectedThrottled + first.injectedInternalFailures).toBeGreaterThan(0);
    expect(again).toEqual(first);
    expect(other.statuses).not.toEqual(first.statuses);
  });

  it('the seed comes from OFFLOADER_TEST_SEED when set, else a fixed default', () => {
    expect(faultSeedFromEnv({})).toBe(DEFAULT_FAULT_SEED);
    expect(faultSeedFromEnv({ OFFLOADER_TEST_SEED: ' 1234 ' })).toBe(1234);
    expect(() => faultSeedFromEnv({ OFFLOADER_TEST_SEED: 'abc' })).toThrow(/OFFLOADER_TEST_SEED must be an integer/);
  });
});
