import type { Clock } from '@offloader/core';
import { effectiveHashKey, type HashRange, shardFor } from './hashKey.js';

/** Write capacity of one shard, per second. */
export interface ShardRate {
  records: number;
  bytes: number;
}

/** What the pacer needs to know of an entry: where it lands and how much it weighs. */
export interface PacedEntry {
  partitionKey: string;
  explicitHashKey?: string;
  bytes: number;
  /** Cached hash key (MD5 of the partition key), computed on first use. */
  hashKey?: bigint;
}

/**
 * Partition keys whose shard is remembered per stream. Offload rows repeat a bounded set of keys (one per
 * element and parameter), so most records skip the MD5 and the range search; past this many the memory is
 * cleared and refilled (worst case about 3 MB of keys), which keeps it bounded for any key pattern.
 */
const REMEMBERED_KEYS = 16_384;

interface Bucket {
  records: number;
  bytes: number;
  at: number;
}

/**
 * Paces PutRecords per shard with token buckets (one second of capacity each), so a producer does not keep
 * sending into a full shard and lose whole seconds to throttling and backoff. Requests wait until every shard
 * they touch has room; a request larger than one second of a shard's capacity waits for a full bucket and
 * leaves it in debt, so the long-run rate still holds. Streams whose shard map cannot be read are not paced.
 */
export class ShardPacer {
  private readonly ranges = new Map<string, Promise<HashRange[] | undefined>>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly shardOfKey = new Map<string, Map<string, string | undefined>>();

  constructor(
    private readonly rate: ShardRate,
    private readonly clock: Clock,
    private readonly loadRanges: (stream: string) => Promise<HashRange[] | undefined>,
  ) {}

  /** Resolves when `entries` may be sent to `stream` without exceeding any shard's rate (or on abort). */
  async admit(stream: string, entries: readonly PacedEntry[], signal: AbortSignal): Promise<void> {
    const ranges = await this.rangesOf(stream);
    if (!ranges || ranges.length === 0) return;
    const needs = new Map<string, { records: number; bytes: number }>();
    const remembered = this.rememberedShards(stream);
    for (const entry of entries) {
      const shard = this.shardOf(ranges, remembered, entry);
      if (!shard) continue;
      const need = needs.get(shard);
      if (need) {
        need.records += 1;
        need.bytes += entry.bytes;
      } else {
        needs.set(shard, { records: 1, bytes: entry.bytes });
      }
    }
    while (!signal.aborted) {
      const now = this.clock.now();
      let waitMs = 0;
      for (const [shard, need] of needs) {
        const bucket = this.refill(`${stream}|${shard}`, now);
        waitMs = Math.max(
          waitMs,
          this.shortfallMs(bucket.records, Math.min(need.records, this.rate.records), this.rate.records),
          this.shortfallMs(bucket.bytes, Math.min(need.bytes, this.rate.bytes), this.rate.bytes),
        );
      }
      if (waitMs <= 0) {
        for (const [shard, need] of needs) {
          const bucket = this.buckets.get(`${stream}|${shard}`) as Bucket;
          bucket.records -= need.records;
          bucket.bytes -= need.bytes;
        }
        return;
      }
      await this.clock.sleep(Math.ceil(waitMs), signal);
    }
  }

  /** Forget a stream's shard map (after resharding, or to retry a failed ListShards). */
  forget(stream: string): void {
    this.ranges.delete(stream);
    this.shardOfKey.delete(stream);
  }

  private rememberedShards(stream: string): Map<string, string | undefined> {
    let remembered = this.shardOfKey.get(stream);
    if (!remembered) {
      remembered = new Map();
      this.shardOfKey.set(stream, remembered);
    }
    return remembered;
  }

  private shardOf(
    ranges: readonly HashRange[],
    remembered: Map<string, string | undefined>,
    entry: PacedEntry,
  ): string | undefined {
    // An explicit hash key decides the shard by itself; only partition-key routing is worth remembering.
    if (entry.explicitHashKey !== undefined || entry.hashKey !== undefined) {
      entry.hashKey ??= effectiveHashKey(entry.partitionKey, entry.explicitHashKey);
      return shardFor(ranges, entry.hashKey)?.shardId;
    }
    if (remembered.has(entry.partitionKey)) return remembered.get(entry.partitionKey);
    entry.hashKey = effectiveHashKey(entry.partitionKey);
    const shard = shardFor(ranges, entry.hashKey)?.shardId;
    if (remembered.size >= REMEMBERED_KEYS) remembered.clear();
    remembered.set(entry.partitionKey, shard);
    return shard;
  }

  private rangesOf(stream: string): Promise<HashRange[] | undefined> {
    let ranges = this.ranges.get(stream);
    if (!ranges) {
      ranges = this.loadRanges(stream).catch(() => undefined);
      this.ranges.set(stream, ranges);
    }
    return ranges;
  }

  private refill(key: string, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { records: this.rate.records, bytes: this.rate.bytes, at: now };
      this.buckets.set(key, bucket);
      return bucket;
    }
    const seconds = (now - bucket.at) / 1000;
    bucket.records = Math.min(this.rate.records, bucket.records + seconds * this.rate.records);
    bucket.bytes = Math.min(this.rate.bytes, bucket.bytes + seconds * this.rate.bytes);
    bucket.at = now;
    return bucket;
  }

  private shortfallMs(tokens: number, needed: number, perSecond: number): number {
    return tokens >= needed ? 0 : ((needed - tokens) / perSecond) * 1000;
  }
}
