import type { Clock } from '@offloader/core';
import { effectiveHashKey, type ShardLookup } from './hashKey.js';

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
  /** Cached hash key (hex MD5 of the partition key), computed on first use. */
  hashKey?: string;
}

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
  private readonly shards = new Map<string, Promise<ShardLookup | undefined>>();
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rate: ShardRate,
    private readonly clock: Clock,
    private readonly loadShards: (stream: string) => Promise<ShardLookup | undefined>,
  ) {}

  /** Resolves when `entries` may be sent to `stream` without exceeding any shard's rate (or on abort). */
  async admit(stream: string, entries: readonly PacedEntry[], signal: AbortSignal): Promise<void> {
    const shards = await this.shardsOf(stream);
    if (!shards || shards.size === 0) return;
    const needs = new Map<string, { records: number; bytes: number }>();
    for (const entry of entries) {
      // No memory of keys: a hex MD5 and a binary search cost about 0.4 µs, less than a map of keys saved once
      // an Agent's keys outnumber it, and they hold no memory.
      entry.hashKey ??= effectiveHashKey(entry.partitionKey, entry.explicitHashKey);
      const shard = shards.shardFor(entry.hashKey)?.shardId;
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
    this.shards.delete(stream);
  }

  private shardsOf(stream: string): Promise<ShardLookup | undefined> {
    let shards = this.shards.get(stream);
    if (!shards) {
      shards = this.loadShards(stream).catch(() => undefined);
      this.shards.set(stream, shards);
    }
    return shards;
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
