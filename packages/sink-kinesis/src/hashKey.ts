import { hash } from 'node:crypto';

/** A shard's slice of the 128-bit hash key space. */
export interface HashRange {
  shardId: string;
  startingHashKey: bigint;
  endingHashKey: bigint;
}

/** Hex digits of a 128-bit hash key. */
const HEX_DIGITS = 32;

/**
 * The hash key Kinesis derives from a partition key: MD5 of its UTF-8 bytes, an unsigned 128-bit integer, here
 * as 32 lowercase hex digits. Text of one length compares the way the numbers do, and it runs for every record
 * sent: a one-shot hash to hex and a string comparison cost a third of parsing and comparing BigInts.
 */
export function hashKeyOf(partitionKey: string): string {
  return hash('md5', partitionKey, 'hex');
}

/** A 128-bit hash key as {@link hashKeyOf} writes it. */
export function hexHashKey(value: bigint): string {
  return value.toString(16).padStart(HEX_DIGITS, '0');
}

/** The hash key that decides the shard (hex): the explicit one when present, else MD5 of the partition key. */
export function effectiveHashKey(partitionKey: string, explicitHashKey?: string): string {
  return explicitHashKey === undefined ? hashKeyOf(partitionKey) : hexHashKey(BigInt(explicitHashKey));
}

/** A stream's open shards, searched by hex hash key (binary search over the ranges in key order). */
export class ShardLookup {
  private readonly ranges: readonly HashRange[];
  private readonly starts: string[];
  private readonly ends: string[];

  constructor(ranges: readonly HashRange[]) {
    this.ranges = [...ranges].sort((a, b) => (a.startingHashKey < b.startingHashKey ? -1 : 1));
    this.starts = this.ranges.map((range) => hexHashKey(range.startingHashKey));
    this.ends = this.ranges.map((range) => hexHashKey(range.endingHashKey));
  }

  get size(): number {
    return this.ranges.length;
  }

  /** The open shard whose range holds `hashKey` (hex), or undefined when no range covers it. */
  shardFor(hashKey: string): HashRange | undefined {
    if (hashKey.length !== HEX_DIGITS) return undefined;
    let low = 0;
    let high = this.starts.length - 1;
    // The last range that starts at or below the key.
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle] <= hashKey) low = middle;
      else high = middle - 1;
    }
    if (this.starts.length === 0 || this.starts[low] > hashKey || this.ends[low] < hashKey) return undefined;
    return this.ranges[low];
  }
}
