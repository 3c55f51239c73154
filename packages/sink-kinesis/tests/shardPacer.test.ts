import { describe, expect, it } from 'vitest';
import { type HashRange, hashKeyOf, hexHashKey, ShardLookup } from '../src/hashKey.js';
import { evenHashRanges } from '../src/limits.js';
import { ShardPacer } from '../src/shardPacer.js';

/** A clock whose sleeps only move time forward, so waits are exact and instant. */
function manualClock() {
  const clock = {
    t: 0,
    slept: 0,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms;
      clock.slept += ms;
    },
  };
  return clock;
}

const ranges: HashRange[] = evenHashRanges(2).map((range, i) => ({ shardId: `shard-${i}`, ...range }));
const lowKey = { partitionKey: 'k', explicitHashKey: '1', bytes: 100 };
const highKey = { partitionKey: 'k', explicitHashKey: String((1n << 127n) + 5n), bytes: 100 };
const signal = new AbortController().signal;
const entries = (n: number, template: typeof lowKey) => Array.from({ length: n }, () => ({ ...template }));

describe('ShardPacer', () => {
  it('lets a shard take one second of quota at once, then paces it; other shards are not held back', async () => {
    const clock = manualClock();
    const pacer = new ShardPacer({ records: 1000, bytes: 1 << 20 }, clock, async () => new ShardLookup(ranges));
    await pacer.admit('s', entries(1000, lowKey), signal);
    expect(clock.slept).toBe(0);
    await pacer.admit('s', entries(500, highKey), signal);
    expect(clock.slept).toBe(0);
    await pacer.admit('s', entries(500, lowKey), signal);
    expect(clock.slept).toBe(500);
  });

  it('paces by bytes too, and a request above one second of quota leaves the shard in debt', async () => {
    const clock = manualClock();
    const pacer = new ShardPacer({ records: 1000, bytes: 1000 }, clock, async () => new ShardLookup(ranges));
    await pacer.admit('s', [{ ...lowKey, bytes: 3000 }], signal);
    expect(clock.slept).toBe(0);
    // 2,000 bytes of debt plus 100 for this record: 2.1 s at 1,000 bytes/s.
    await pacer.admit('s', [{ ...lowKey, bytes: 100 }], signal);
    expect(clock.slept).toBe(2100);
  });

  it('does not pace a stream whose shards cannot be listed', async () => {
    const clock = manualClock();
    const pacer = new ShardPacer({ records: 1, bytes: 1 }, clock, async () => {
      throw new Error('AccessDenied: kinesis:ListShards');
    });
    await pacer.admit('s', entries(100, lowKey), signal);
    await pacer.admit('s', entries(100, lowKey), signal);
    expect(clock.slept).toBe(0);
  });

  it('routes by the MD5 of the partition key, on the shard map it holds until it is forgotten', async () => {
    const clock = manualClock();
    const keyOn = (shardId: string) => {
      const lookup = new ShardLookup(ranges);
      for (let i = 0; ; i += 1) if (lookup.shardFor(hashKeyOf(`key-${i}`))?.shardId === shardId) return `key-${i}`;
    };
    const [first, second] = [keyOn('shard-0'), keyOn('shard-1')];
    let current = ranges;
    const pacer = new ShardPacer({ records: 1000, bytes: 1 << 20 }, clock, async () => new ShardLookup(current));
    const keyed = (n: number, partitionKey: string) => Array.from({ length: n }, () => ({ partitionKey, bytes: 10 }));
    await pacer.admit('s', keyed(1000, first), signal);
    await pacer.admit('s', keyed(1000, second), signal);
    expect(clock.slept).toBe(0);
    await pacer.admit('s', keyed(100, first), signal);
    expect(clock.slept).toBe(100);
    // Resharded into one new shard with a full bucket: the old map would make it wait again.
    current = [{ shardId: 'shard-2', startingHashKey: 0n, endingHashKey: (1n << 128n) - 1n }];
    pacer.forget('s');
    await pacer.admit('s', keyed(900, first), signal);
    expect(clock.slept).toBe(100);
  });

  it('finds the shard of a hash key as the 128-bit numbers order, at every range boundary', () => {
    // Prepare: three uneven ranges listed out of order, and a gap above the last one (a closed shard's range).
    const top = (1n << 128n) - 1n;
    const cuts = [0n, 1n << 64n, (1n << 127n) + 12345n, top - 1000n];
    const lookup = new ShardLookup([
      { shardId: 'c', startingHashKey: cuts[2], endingHashKey: cuts[3] - 1n },
      { shardId: 'a', startingHashKey: cuts[0], endingHashKey: cuts[1] - 1n },
      { shardId: 'b', startingHashKey: cuts[1], endingHashKey: cuts[2] - 1n },
    ]);
    const shardOf = (key: bigint) => lookup.shardFor(hexHashKey(key))?.shardId;
    // Act and assess: each edge, and the keys just outside the covered space.
    expect([0n, cuts[1] - 1n, cuts[1], cuts[2] - 1n, cuts[2], cuts[3] - 1n].map(shardOf)).toEqual([
      'a',
      'a',
      'b',
      'b',
      'c',
      'c',
    ]);
    expect(shardOf(cuts[3])).toBeUndefined();
    expect(shardOf(top)).toBeUndefined();
    expect(lookup.shardFor(hexHashKey(top + 1n))).toBeUndefined();
    // MD5 as Kinesis computes it, as 32 lowercase hex digits (the RFC 1321 vector of the empty string).
    expect(hashKeyOf('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });
});
