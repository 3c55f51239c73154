import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { createKinesisClient, type KinesisClientOptions } from './client.js';
import { deaggregate } from './kpl.js';

export interface TailOptions extends KinesisClientOptions {
  stream: string;
  /** `trim-horizon` = everything retained; `latest` = only what arrives from now on. Default trim-horizon. */
  from?: 'trim-horizon' | 'latest';
  /** Stop after this many (user) records. */
  limit?: number;
  /** Keep polling for new records once caught up (like `tail -f`); default false = end when caught up. */
  follow?: boolean;
  /** Poll interval when a shard has nothing new (follow mode). */
  pollMs?: number;
  signal?: AbortSignal;
  /** Reuse a client (the CLI passes its own); otherwise one is created and destroyed. */
  client?: KinesisClient;
}

/** One record read back, after KPL de-aggregation. */
export interface TailRecord {
  shardId: string;
  sequenceNumber: string;
  /** Position inside a KPL aggregate; absent for plain records. */
  subSequenceNumber?: number;
  partitionKey: string;
  explicitHashKey?: string;
  data: Buffer;
  approximateArrivalTimestamp?: Date;
}

interface ShardCursor {
  shardId: string;
  iterator?: string;
  caughtUp: boolean;
}

/**
 * Reads a stream back over all its shards (ListShards, GetShardIterator, GetRecords), de-aggregating KPL
 * records, and yields each user record. Shards are read in turn, so no shard starves; records of one shard
 * come in sequence order. Ends when every shard is caught up (unless `follow`), at `limit`, or on abort.
 */
export async function* tailStream(options: TailOptions): AsyncGenerator<TailRecord> {
  const client = options.client ?? createKinesisClient(options);
  const pollMs = options.pollMs ?? 1000;
  let yielded = 0;
  try {
    const shards = await listShards(client, options.stream);
    const cursors: ShardCursor[] = [];
    for (const shard of shards) {
      if (!shard.ShardId) continue;
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({
          StreamName: options.stream,
          ShardId: shard.ShardId,
          ShardIteratorType: options.from === 'latest' ? 'LATEST' : 'TRIM_HORIZON',
        }),
      );
      cursors.push({ shardId: shard.ShardId, iterator: ShardIterator, caughtUp: false });
    }
    while (!options.signal?.aborted) {
      let progressed = false;
      for (const cursor of cursors) {
        if (!cursor.iterator || options.signal?.aborted) continue;
        const page = await client.send(new GetRecordsCommand({ ShardIterator: cursor.iterator, Limit: 10_000 }));
        cursor.iterator = page.NextShardIterator;
        const records = page.Records ?? [];
        cursor.caughtUp = records.length === 0 && (page.MillisBehindLatest ?? 0) === 0;
        if (records.length > 0) progressed = true;
        for (const record of records) {
          const data = Buffer.from(record.Data ?? new Uint8Array());
          const base = {
            shardId: cursor.shardId,
            sequenceNumber: record.SequenceNumber ?? '',
            approximateArrivalTimestamp: record.ApproximateArrivalTimestamp,
          };
          const users = deaggregate(data);
          const expanded: TailRecord[] = users
            ? users.map((user, index) => ({
                ...base,
                subSequenceNumber: index,
                partitionKey: user.partitionKey,
                explicitHashKey: user.explicitHashKey,
                data: Buffer.from(user.data),
              }))
            : [{ ...base, partitionKey: record.PartitionKey ?? '', data }];
          for (const item of expanded) {
            yield item;
            if (options.limit !== undefined && ++yielded >= options.limit) return;
          }
        }
      }
      const open = cursors.filter((cursor) => cursor.iterator);
      if (open.length === 0) return;
      if (!options.follow && open.every((cursor) => cursor.caughtUp)) return;
      if (!progressed) await sleep(options.follow ? pollMs : 50, options.signal);
    }
  } finally {
    if (!options.client) client.destroy();
  }
}

async function listShards(client: KinesisClient, stream: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      nextToken ? new ListShardsCommand({ NextToken: nextToken }) : new ListShardsCommand({ StreamName: stream }),
    );
    shards.push(...(page.Shards ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return shards;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
