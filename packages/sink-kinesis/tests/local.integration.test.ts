import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createTestSink, startLocalKinesis, trendRecords, writeAll } from '@offloader/testkit';
import { container as rootContainer } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { KinesisTokens, tailStream } from '../src/index.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../src/local/index.js';

describe('endpoint: local', () => {
  it('starts kinesalite in start(), creates the streams, persists to <stateDir>/kinesis-local, closes in stop()', async () => {
    const { sink, logLines, stateDir } = await createTestSink(
      {
        endpoint: 'local',
        streams: { data: 'dm-trend', alarm: 'dm-alarm' },
        local: { host: '127.0.0.1', port: 0, shards: 3, inMemory: false },
      },
      { id: 'kinesis-local-test' },
    );
    const endpoint = sink.localEndpoint() as string;
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(logLines.some((line) => line.includes('embedded Kinesis-API server') && line.includes(endpoint))).toBe(true);
    // A custom file may name a stream the map does not list: the embedded server creates it on first use.
    const custom = { ...trendRecords(1, 'custom')[0], stream: 'dm-custom' };
    const records = [...trendRecords(300, 'data'), ...trendRecords(40, 'alarm'), custom];
    const outcomes = await writeAll(sink, records);
    expect(outcomes.every((o) => o.status === 'delivered')).toBe(true);
    await sink.stop();
    await expect(fetch(endpoint)).rejects.toThrow();

    // After the run the data is still there for `offloader tail`: reopen the same LevelDB folder.
    const path = join(stateDir, 'kinesis-local-test', 'kinesis-local');
    expect(existsSync(path)).toBe(true);
    const reopened = await startLocalKinesis({ path });
    try {
      const read = async (stream: string) => {
        const back = [];
        for await (const r of tailStream({
          endpoint: reopened.endpoint,
          region: LOCAL_REGION,
          credentials: LOCAL_CREDENTIALS,
          stream,
        })) {
          back.push(r);
        }
        return back;
      };
      const trend = await read('dm-trend');
      expect(trend).toHaveLength(300);
      expect(new Set(trend.map((r) => r.shardId)).size).toBe(3);
      expect(await read('dm-alarm')).toHaveLength(40);
      expect(await read('dm-custom')).toHaveLength(1);
      const limited = [];
      for await (const r of tailStream({
        endpoint: reopened.endpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        stream: 'dm-trend',
        limit: 7,
      })) {
        limited.push(r);
      }
      expect(limited).toHaveLength(7);
    } finally {
      await reopened.close();
    }
  });

  it('tail from latest sees only what arrives afterwards (follow mode, ended by abort)', async () => {
    const local = await startLocalKinesis({ streams: [{ name: 'live', shards: 2 }] });
    const { sink } = await createTestSink({
      endpoint: local.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      streams: { data: 'live' },
    });
    try {
      await writeAll(sink, trendRecords(20));
      const controller = new AbortController();
      const seen: string[] = [];
      const tail = (async () => {
        for await (const r of tailStream({
          endpoint: local.endpoint,
          region: LOCAL_REGION,
          credentials: LOCAL_CREDENTIALS,
          stream: 'live',
          from: 'latest',
          follow: true,
          pollMs: 20,
          signal: controller.signal,
        })) {
          seen.push(r.data.toString('utf8'));
          if (seen.length === 5) controller.abort();
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 150));
      await writeAll(sink, trendRecords(5, 'data', 1000));
      await tail;
      expect(seen).toHaveLength(5);
      expect(seen.every((text) => JSON.parse(text).T >= 1_700_001_000)).toBe(true);
    } finally {
      await sink.stop();
      await local.close();
    }
  });

  it('dry run sends nothing', async () => {
    const local = await startLocalKinesis({ streams: [{ name: 'dry', shards: 1 }] });
    const { sink } = await createTestSink(
      { endpoint: local.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, streams: { data: 'dry' } },
      { dryRun: true },
    );
    const outcomes = await writeAll(sink, trendRecords(10));
    await sink.stop();
    expect(outcomes.every((o) => o.status === 'delivered')).toBe(true);
    let count = 0;
    for await (const _ of tailStream({
      endpoint: local.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      stream: 'dry',
    }))
      count++;
    await local.close();
    expect(count).toBe(0);
  });

  it('signs with the credentials provider an integrator registered (KinesisTokens.Credentials) when options give none', async () => {
    const local = await startLocalKinesis({ streams: [{ name: 'provided', shards: 1 }] });
    const parent = rootContainer.createChildContainer();
    let calls = 0;
    parent.register(KinesisTokens.Credentials, {
      useValue: async () => {
        calls += 1;
        return { ...LOCAL_CREDENTIALS };
      },
    });
    const { sink } = await createTestSink(
      { endpoint: local.endpoint, region: LOCAL_REGION, streams: { data: 'provided' } },
      { parent },
    );
    try {
      const outcomes = await writeAll(sink, trendRecords(10));
      expect(outcomes.every((o) => o.status === 'delivered')).toBe(true);
      expect(calls).toBeGreaterThanOrEqual(1);
    } finally {
      await sink.stop();
      await local.close();
    }
  });
});

describe('idle connections', () => {
  // Node's default (5 s) closed idle sockets while clients were picking them for their next call: "socket hang
  // up" on a busy machine. An idle socket must still be open well after 5 s.
  it('the embedded server keeps an idle keep-alive connection open past 5 s', async () => {
    const local = await startLocalKinesis();
    const { port } = new URL(local.endpoint);
    const socket = connect(Number(port), '127.0.0.1');
    try {
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      let closedAt: number | undefined;
      socket.on('close', () => {
        closedAt = Date.now();
      });
      const openedAt = Date.now();
      socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
      await new Promise((resolve) => socket.once('data', resolve));
      await new Promise((resolve) => setTimeout(resolve, 6_500));
      expect(closedAt, `closed after ${(closedAt ?? 0) - openedAt} ms`).toBeUndefined();
    } finally {
      socket.destroy();
      await local.close();
    }
  }, 20_000);
});
