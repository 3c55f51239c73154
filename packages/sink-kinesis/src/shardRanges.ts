import { type KinesisClient, ListShardsCommand, type ListShardsCommandInput } from '@aws-sdk/client-kinesis';
import { UNKNOWN_SHARD } from '@offloader/core';
import { effectiveHashKey, type HashRange, ShardLookup } from './hashKey.js';

/** The hash ranges of a stream's open shards (closed parents of a reshard take no writes), via ListShards. */
export async function openShardRanges(client: KinesisClient, stream: string): Promise<HashRange[]> {
  const ranges: HashRange[] = [];
  const target: ListShardsCommandInput = stream.startsWith('arn:') ? { StreamARN: stream } : { StreamName: stream };
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListShardsCommand(nextToken ? { NextToken: nextToken } : target));
    for (const shard of page.Shards ?? []) {
      if (!shard.ShardId || !shard.HashKeyRange || shard.SequenceNumberRange?.EndingSequenceNumber) continue;
      ranges.push({
        shardId: shard.ShardId,
        startingHashKey: BigInt(shard.HashKeyRange.StartingHashKey ?? '0'),
        endingHashKey: BigInt(shard.HashKeyRange.EndingHashKey ?? '0'),
      });
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return ranges;
}

/**
 * The shards of each stream the sink writes to, listed once per stream in the background. Names the shard of
 * a record Kinesis refused (its answer carries no ShardId), and creates every shard's series at 0 as soon as
 * the shards are known so dashboards show 0 instead of "no data".
 */
export class ShardMap {
  private readonly pending = new Map<string, Promise<ShardLookup | undefined>>();
  private readonly known = new Map<string, ShardLookup>();

  constructor(
    private readonly load: (stream: string) => Promise<HashRange[] | undefined>,
    private readonly onLearned: (stream: string, ranges: readonly HashRange[]) => void = () => undefined,
  ) {}

  /** The stream's open shards (listed on first call), or undefined when they cannot be listed. */
  shardsOf(stream: string): Promise<ShardLookup | undefined> {
    let shards = this.pending.get(stream);
    if (!shards) {
      shards = this.load(stream).then((loaded) => {
        if (!loaded) return undefined;
        const lookup = new ShardLookup(loaded);
        if (lookup.size > 0) {
          this.known.set(stream, lookup);
          this.onLearned(stream, loaded);
        }
        return lookup;
      });
      this.pending.set(stream, shards);
    }
    return shards;
  }

  /** Shard id of an entry when the stream's shards are known already; {@link UNKNOWN_SHARD} otherwise. */
  shardOf(stream: string, entry: { partitionKey: string; explicitHashKey?: string; hashKey?: string }): string {
    const shards = this.known.get(stream);
    if (!shards) return UNKNOWN_SHARD;
    entry.hashKey ??= effectiveHashKey(entry.partitionKey, entry.explicitHashKey);
    return shards.shardFor(entry.hashKey)?.shardId ?? UNKNOWN_SHARD;
  }
}
