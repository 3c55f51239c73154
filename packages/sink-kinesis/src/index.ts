export { AimdConcurrency } from './aimd.js';
export { createKinesisClient, endpointUrl, type KinesisClientOptions, resolveProxy } from './client.js';
export {
  type ClassifiedFailure,
  classifyCallError,
  classifyRecordError,
  type FailureKind,
  RoutePausedError,
  SecretRedactor,
} from './errors.js';
export { effectiveHashKey, type HashRange, hashKeyOf, shardFor } from './hashKey.js';
export { KinesisSink, USER_RECORDS_PUT } from './KinesisSink.js';
export {
  aggregate,
  deaggregate,
  isAggregated,
  KPL_MAGIC,
  KPL_OVERHEAD,
  KplAggregator,
  type UserRecord,
} from './kpl.js';
export {
  DEFAULT_LIMITS,
  type EffectiveLimits,
  effectiveLimits,
  evenHashRanges,
  explicitHashKeyProblem,
  KinesisLimits,
  MIB,
  partitionKeyChars,
  partitionKeyProblem,
  recordBytes,
  recordSizeProblem,
  splitIntoRequests,
} from './limits.js';
export {
  DEFAULT_PARTITION_KEY,
  type KinesisSinkOptions,
  kinesisSinkOptionsSchema,
  type LocalServerOptions,
  type RetryOptions,
  type StaticCredentials,
  withDefaults,
} from './options.js';
export {
  type EntryResult,
  type PutEntry,
  type PutRecordsApi,
  PutRecordsWriter,
  streamTarget,
} from './PutRecordsWriter.js';
export { compilePartitionKey, type PartitionKeyFunction } from './partitionKeys.js';
export { kinesisSink, plugins } from './plugin.js';
export { fullJitterDelay, retryAllowed } from './retry.js';
export { type PacedEntry, ShardPacer, type ShardRate } from './shardPacer.js';
export { openShardRanges } from './shardRanges.js';
export { StreamHealth, THROTTLE_QUIET_MS } from './streamHealth.js';
export { type TailOptions, type TailRecord, tailStream } from './tail.js';
export {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalKinesis,
  type LocalKinesisOptions,
  type LocalStreamSpec,
  startLocalKinesis,
} from './testing/localKinesis.js';
