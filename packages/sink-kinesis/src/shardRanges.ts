import { type KinesisClient, ListShardsCommand, type ListShardsCommandInput } from '@aws-sdk/client-kinesis';
import type { HashRange } from './hashKey.js';

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
