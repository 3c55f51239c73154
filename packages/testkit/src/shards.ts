import { createHash } from 'node:crypto';

/** A shard's slice of the 128-bit hash key space, as ListShards reports it. */
export interface ShardRange {
  shardId: string;
  startingHashKey: bigint;
  endingHashKey: bigint;
}

const HASH_KEY_SPACE = 2n ** 128n;

/**
 * The proxy's own model of Kinesis shard placement, written apart from the sink's so that a mistake in the
 * product's hashing shows up as a disagreement instead of being mirrored by the test tool.
 */
export function shardOfRecord(ranges: readonly ShardRange[], partitionKey: string, explicitHashKey?: string) {
  const hashKey =
    explicitHashKey === undefined
      ? BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`)
      : BigInt(explicitHashKey);
  return ranges.find((range) => hashKey >= range.startingHashKey && hashKey <= range.endingHashKey);
}

/** `count` shards splitting the key space evenly, named like Kinesis names them. */
export function evenShards(count: number): ShardRange[] {
  return Array.from({ length: count }, (_, i) => ({
    shardId: `shardId-${String(i).padStart(12, '0')}`,
    startingHashKey: (HASH_KEY_SPACE * BigInt(i)) / BigInt(count),
    endingHashKey: (HASH_KEY_SPACE * BigInt(i + 1)) / BigInt(count) - 1n,
  }));
}
