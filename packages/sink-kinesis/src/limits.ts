import { OffloaderError } from '@offloader/core';
/**
 * Every Kinesis Data Streams limit the sink respects, in one place. Values from the PutRecords API reference
 * and the Kinesis quotas page (2025): records and requests may be raised to 10 MiB, but streams start with a
 * 1 MiB record limit and older endpoints/emulators reject requests over 5 MiB, hence the defaults.
 */
export const MIB = 1024 * 1024;

export const KinesisLimits = {
  /** Records in one PutRecords request. */
  maxRecordsPerRequest: 500,
  /** Partition key length in Unicode characters (code points). */
  minPartitionKeyChars: 1,
  maxPartitionKeyChars: 256,
  /** Default and hard ceiling of one record: data bytes + partition key UTF-8 bytes. */
  defaultMaxRecordBytes: MIB,
  ceilingMaxRecordBytes: 10 * MIB,
  /** Default and hard ceiling of one request: sum of data + partition key bytes of its records. */
  defaultMaxRequestBytes: 5 * MIB,
  ceilingMaxRequestBytes: 10 * MIB,
  /** Per-shard write quota. */
  shardRecordsPerSecond: 1000,
  shardBytesPerSecond: MIB,
  /** Explicit hash keys live in [0, 2^128 - 1]. */
  maxHashKey: (1n << 128n) - 1n,
} as const;

/** The limits one sink instance enforces (configured values, already checked against the ceilings). */
export interface EffectiveLimits {
  maxRecordsPerRequest: number;
  maxRecordBytes: number;
  maxRequestBytes: number;
}

export const DEFAULT_LIMITS: EffectiveLimits = {
  maxRecordsPerRequest: KinesisLimits.maxRecordsPerRequest,
  maxRecordBytes: KinesisLimits.defaultMaxRecordBytes,
  maxRequestBytes: KinesisLimits.defaultMaxRequestBytes,
};

/** Clamps configured limits to what the API allows; a record can never exceed its request. */
export function effectiveLimits(configured: Partial<EffectiveLimits> = {}): EffectiveLimits {
  const clamp = (value: number | undefined, fallback: number, ceiling: number) =>
    Math.max(1, Math.min(value ?? fallback, ceiling));
  const maxRequestBytes = clamp(
    configured.maxRequestBytes,
    DEFAULT_LIMITS.maxRequestBytes,
    KinesisLimits.ceilingMaxRequestBytes,
  );
  return {
    maxRecordsPerRequest: clamp(
      configured.maxRecordsPerRequest,
      DEFAULT_LIMITS.maxRecordsPerRequest,
      KinesisLimits.maxRecordsPerRequest,
    ),
    maxRecordBytes: Math.min(
      clamp(configured.maxRecordBytes, DEFAULT_LIMITS.maxRecordBytes, KinesisLimits.ceilingMaxRecordBytes),
      maxRequestBytes,
    ),
    maxRequestBytes,
  };
}

/**
 * Length of a partition key as the strictest server counts it. The API reference says "256 Unicode
 * characters"; the service's request validation (and kinesalite, which copies it: `data.length` of the JS string)
 * counts UTF-16 code units, so a character outside the Basic Multilingual Plane (an emoji) counts twice. The
 * larger of code points and UTF-16 units, i.e. the UTF-16 units, is what must stay within the limit.
 */
export function partitionKeyChars(key: string): number {
  let codePoints = 0;
  for (const _ of key) codePoints += 1;
  return Math.max(codePoints, key.length);
}

/** Why `key` is not a valid partition key, or undefined when it is. */
export function partitionKeyProblem(key: string): string | undefined {
  const chars = partitionKeyChars(key);
  if (chars < KinesisLimits.minPartitionKeyChars) return 'partition key is empty';
  if (chars > KinesisLimits.maxPartitionKeyChars) {
    return (
      `partition key is ${chars} UTF-16 code units long (characters beyond U+FFFF count twice), more than the ` +
      `${KinesisLimits.maxPartitionKeyChars} Kinesis allows`
    );
  }
  // A lone surrogate has no UTF-8 form: the key the server would get is not the key hashed here.
  if (/\p{Surrogate}/u.test(key)) return 'partition key is not valid Unicode (a lone UTF-16 surrogate)';
  return undefined;
}

/** Why `key` is not a valid explicit hash key (decimal integer in [0, 2^128-1]), or undefined. */
export function explicitHashKeyProblem(key: string): string | undefined {
  if (!/^(0|[1-9]\d{0,38})$/.test(key)) return 'explicit hash key must be a decimal integer without leading zeros';
  if (BigInt(key) > KinesisLimits.maxHashKey) return 'explicit hash key is larger than 2^128-1';
  return undefined;
}

/** UTF-8 bytes of a string without allocating it. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** What a record costs against the record and request limits: data bytes + partition key UTF-8 bytes. */
export function recordBytes(dataBytes: number, partitionKey: string): number {
  return dataBytes + utf8Bytes(partitionKey);
}

/** Why a record of `bytes` cannot be sent under `limits`, or undefined when it fits. */
export function recordSizeProblem(bytes: number, limits: EffectiveLimits): string | undefined {
  if (bytes > limits.maxRecordBytes) {
    return `record is ${bytes} bytes (data + partition key), more than maxRecordBytes ${limits.maxRecordBytes}`;
  }
  return undefined;
}

/**
 * Splits items into consecutive groups that each fit one PutRecords request: at most
 * `maxRecordsPerRequest` items and `maxRequestBytes` bytes. Order is kept. Callers must have rejected
 * items larger than `maxRecordBytes` (≤ `maxRequestBytes`) before, so every item fits some group.
 */
export function splitIntoRequests<T>(items: readonly T[], sizeOf: (item: T) => number, limits: EffectiveLimits): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (size > limits.maxRequestBytes)
      throw new OffloaderError('RECORD_TOO_LARGE', `item of ${size} bytes exceeds the request budget`);
    if (current.length >= limits.maxRecordsPerRequest || bytes + size > limits.maxRequestBytes) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Even split of the 128-bit hash key space, the way CreateStream lays out `shards` shards. */
export function evenHashRanges(shards: number): { startingHashKey: bigint; endingHashKey: bigint }[] {
  const space = KinesisLimits.maxHashKey + 1n;
  const ranges: { startingHashKey: bigint; endingHashKey: bigint }[] = [];
  for (let i = 0; i < shards; i++) {
    const start = (space * BigInt(i)) / BigInt(shards);
    const end = (space * BigInt(i + 1)) / BigInt(shards) - 1n;
    ranges.push({ startingHashKey: start, endingHashKey: end });
  }
  return ranges;
}
