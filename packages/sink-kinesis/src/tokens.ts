/**
 * Injection tokens of the kinesis sink. Each sink instance registers its collaborators under them in its own
 * plugin container (`registerKinesisServices`); a token an integrator registered first, in the container given
 * to `Pipeline.build`, is used instead.
 */
export const KinesisTokens = {
  /**
   * An AWS credentials provider (`() => Promise<{ accessKeyId, secretAccessKey, sessionToken? }>`) used when the
   * sink's options give no static `credentials`; without either, the AWS default provider chain.
   */
  Credentials: Symbol.for('offloader.kinesis.Credentials'),
  /** `(target) => KinesisClient`: how the sink makes its SDK client (endpoint, region, credentials). */
  ClientFactory: Symbol.for('offloader.kinesis.ClientFactory'),
  /** The effective record and request limits (`EffectiveLimits`). */
  Limits: Symbol.for('offloader.kinesis.Limits'),
  /** Removes the configured secrets from any text that may be logged (`SecretRedactor`). */
  Redactor: Symbol.for('offloader.kinesis.Redactor'),
  /** Writes in flight, lowered while throttled (`AimdConcurrency`). */
  Concurrency: Symbol.for('offloader.kinesis.Concurrency'),
  /** How long a stream stays paused after a non-retryable error (ms). */
  PauseOnErrorMs: Symbol.for('offloader.kinesis.PauseOnErrorMs'),
  /** Where the sink sends (`KinesisConnection`): client, writer, embedded server. */
  Connection: Symbol.for('offloader.kinesis.Connection'),
  /** Per connection: the PutRecords call (`PutRecordsApi`). */
  Api: Symbol.for('offloader.kinesis.Api'),
  /** Per connection: per-shard pacing (`ShardPacer`), or undefined when `shardRate.enabled` is false. */
  Pacer: Symbol.for('offloader.kinesis.Pacer'),
} as const;
