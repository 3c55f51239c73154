import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { createKinesisClient, deaggregate } from '@offloader/sink-kinesis';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startLocalKinesis } from '@offloader/sink-kinesis/local';
import { startFaultProxy } from '@offloader/testkit';
import { waitFor } from './cli.js';

/**
 * The Kinesis side of every scenario, in the harness process: kinesalite (the real local Kinesis-API server) and
 * the fault proxy in front of it. The pipeline under test runs in a child process and talks to the proxy, so
 * killing the child never touches the server, and the harness reads the stream back directly from kinesalite.
 */
export async function startBackend({ streams, shards = 2, path }) {
  const local = await startLocalKinesis({ path, streams: streams.map((name) => ({ name, shards })) });
  const proxy = await startFaultProxy({ target: local.endpoint });
  return {
    local,
    proxy,
    async close() {
      await proxy.close();
      await local.close();
    },
  };
}

/**
 * After a kill: requests the proxy had already received still land in kinesalite, so wait until its counters stop
 * moving before reading the stream back.
 */
export async function settleBackend(backend) {
  let last = -1;
  await waitFor(
    () => {
      const now = backend.proxy.counters.recordsForwarded + backend.proxy.counters.requests;
      const stable = now === last;
      last = now;
      return stable;
    },
    { timeoutMs: 5000, everyMs: 150 },
  );
}

/**
 * Reads a stream incrementally: shard iterators are kept between calls, so each `drain()` returns only what
 * arrived since the previous one. Used to attribute records to pipeline runs (between kills) and to read
 * everything back at the end.
 */
export class StreamReader {
  constructor(endpoint, stream) {
    this.stream = stream;
    this.client = createKinesisClient({
      endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      bypassProxy: true,
    });
    /** @type {{shardId: string, iterator: string | undefined}[] | undefined} */
    this.cursors = undefined;
  }

  async open() {
    if (this.cursors) return;
    const shards = [];
    let nextToken;
    do {
      const page = await this.client.send(
        nextToken
          ? new ListShardsCommand({ NextToken: nextToken })
          : new ListShardsCommand({ StreamName: this.stream }),
      );
      shards.push(...(page.Shards ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    this.cursors = [];
    for (const shard of shards) {
      const { ShardIterator } = await this.client.send(
        new GetShardIteratorCommand({
          StreamName: this.stream,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      this.cursors.push({ shardId: shard.ShardId, iterator: ShardIterator });
    }
  }

  /** Calls `onRecord(dataBuffer, shardId)` for every user record that arrived since the last drain. */
  async drain(onRecord) {
    await this.open();
    let total = 0;
    for (const cursor of this.cursors) {
      while (cursor.iterator) {
        const page = await this.client.send(new GetRecordsCommand({ ShardIterator: cursor.iterator, Limit: 10_000 }));
        cursor.iterator = page.NextShardIterator;
        const records = page.Records ?? [];
        for (const record of records) {
          const data = Buffer.from(record.Data ?? new Uint8Array());
          const users = deaggregate(data);
          if (users) for (const user of users) onRecord(Buffer.from(user.data), cursor.shardId);
          else onRecord(data, cursor.shardId);
        }
        total += records.length;
        if (records.length === 0 && (page.MillisBehindLatest ?? 0) === 0) break;
      }
    }
    return total;
  }

  close() {
    this.client.destroy();
  }
}
