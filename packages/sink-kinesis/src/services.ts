import type { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  type Clock,
  type DependencyContainer,
  type EventLog,
  instanceCachingFactory,
  type Logger,
  Metric,
  type Metrics,
  SHARD_METRICS,
  Tokens,
} from '@offloader/core';
import { AimdConcurrency } from './aimd.js';
import { callDeadlineMs, createKinesisClient, type KinesisClientOptions, sendPutRecords } from './client.js';
import { SecretRedactor } from './errors.js';
import { type EffectiveLimits, effectiveLimits, KinesisLimits } from './limits.js';
import type { KinesisSinkOptions, StaticCredentials } from './options.js';
import { type PutRecordsApi, PutRecordsWriter } from './PutRecordsWriter.js';
import { ShardPacer } from './shardPacer.js';
import { openShardRanges, ShardMap } from './shardRanges.js';
import { StreamHealth } from './streamHealth.js';
import { KinesisTokens } from './tokens.js';

/** Where a client connects: the configured endpoint, or the embedded server once it listens. */
export interface ClientTarget {
  endpoint?: string;
  region?: string;
  credentials?: StaticCredentials;
}

/** Makes the sink's SDK client (`KinesisTokens.ClientFactory`). */
export type ClientFactory = (target: ClientTarget) => KinesisClient;

/** Registers `make` as a once-built service of `container`, unless a parent container already provides it. */
function provideOnce<T>(container: DependencyContainer, token: symbol, make: (c: DependencyContainer) => T): void {
  if (container.isRegistered(token, true)) return;
  container.register(token, { useFactory: instanceCachingFactory(make) });
}

/**
 * The composition of one kinesis sink instance: its collaborators are registered in the plugin's own container
 * and built on first resolve from what that container holds (options, id, logger, clock, metrics, events). A
 * token registered by an integrator in the pipeline's parent container wins.
 */
export function registerKinesisServices(container: DependencyContainer, options: KinesisSinkOptions): void {
  // The options create() received are the ones the registry validated: they are what every service sees.
  container.register(Tokens.PluginOptions, { useValue: options });
  const sinkId = container.resolve<string>(Tokens.PluginId);
  container.register(KinesisTokens.PauseOnErrorMs, { useValue: options.pauseOnErrorMs });
  provideOnce(container, KinesisTokens.Limits, () =>
    effectiveLimits({ maxRecordBytes: options.maxRecordBytes, maxRequestBytes: options.maxRequestBytes }),
  );
  provideOnce(container, KinesisTokens.Redactor, () => {
    const { credentials } = options;
    return new SecretRedactor([credentials?.accessKeyId, credentials?.secretAccessKey, credentials?.sessionToken]);
  });
  provideOnce(container, KinesisTokens.Concurrency, (c) => {
    const metrics = c.resolve<Metrics>(Tokens.Metrics);
    return new AimdConcurrency(options.maxInFlight, (limit) =>
      metrics.set(Metric.concurrency, { sink: sinkId }, limit),
    );
  });
  // One per sink instance, built by tsyringe from its @inject constructor.
  if (!container.isRegistered(StreamHealth, true)) container.registerSingleton(StreamHealth);
  provideOnce(container, KinesisTokens.ClientFactory, (c): ClientFactory => {
    const credentialsProvider = c.isRegistered(KinesisTokens.Credentials, true)
      ? c.resolve<KinesisClientOptions['credentialsProvider']>(KinesisTokens.Credentials)
      : undefined;
    return (target) =>
      createKinesisClient({
        ...target,
        port: options.port,
        credentialsProvider,
        proxy: options.proxy,
        bypassProxy: options.bypassProxy || options.endpoint === 'local',
        maxSockets: options.maxInFlight,
        requestTimeoutMs: options.requestTimeoutMs,
        connectTimeoutMs: options.connectTimeoutMs,
      });
  });
}

/**
 * A child scope per connection (the embedded server moves the endpoint after start): the client and what is
 * bound to it (PutRecords call, shard map, pacer, writer), built from the sink's services.
 */
export function connectionScope(container: DependencyContainer, client: KinesisClient): DependencyContainer {
  const scope = container.createChildContainer();
  const options = scope.resolve<KinesisSinkOptions>(Tokens.PluginOptions);
  scope.register(KinesisTokens.Api, {
    useValue: { putRecords: (input, signal) => sendPutRecords(client, input, signal) } satisfies PutRecordsApi,
  });
  scope.register(ShardMap, {
    useFactory: instanceCachingFactory((c) => {
      const logger = c.resolve<Logger>(Tokens.PluginLogger);
      const metrics = c.resolve<Metrics>(Tokens.Metrics);
      const redactor = c.resolve<SecretRedactor>(KinesisTokens.Redactor);
      return new ShardMap(
        (stream) =>
          openShardRanges(client, stream).catch((error: Error) => {
            logger.warn(
              { stream, err: redactor.redact(error.message) },
              'cannot list shards; writes to this stream are not paced and refused records are counted under shard "unknown"',
            );
            return undefined;
          }),
        (stream, ranges) => {
          for (const range of ranges) {
            for (const name of SHARD_METRICS) metrics.touch(name, { stream, shard: range.shardId });
          }
        },
      );
    }),
  });
  scope.register(KinesisTokens.Pacer, {
    useFactory: instanceCachingFactory((c) => {
      if (!options.shardRate.enabled) return undefined;
      const shards = c.resolve(ShardMap);
      const share = options.shardRate.percent / 100;
      return new ShardPacer(
        { records: KinesisLimits.shardRecordsPerSecond * share, bytes: KinesisLimits.shardBytesPerSecond * share },
        c.resolve<Clock>(Tokens.Clock),
        (stream) => shards.shardsOf(stream),
      );
    }),
  });
  scope.register(PutRecordsWriter, {
    useFactory: instanceCachingFactory(
      (c) =>
        new PutRecordsWriter({
          api: c.resolve<PutRecordsApi>(KinesisTokens.Api),
          shards: c.resolve(ShardMap),
          pacer: c.resolve<ShardPacer | undefined>(KinesisTokens.Pacer),
          callDeadlineMs: callDeadlineMs(options),
          sinkId: c.resolve<string>(Tokens.PluginId),
          limits: c.resolve<EffectiveLimits>(KinesisTokens.Limits),
          retry: options.retry,
          clock: c.resolve<Clock>(Tokens.Clock),
          metrics: c.resolve<Metrics>(Tokens.Metrics),
          events: c.resolve<EventLog>(Tokens.Events),
          logger: c.resolve<Logger>(Tokens.PluginLogger),
          health: c.resolve(StreamHealth),
          concurrency: c.resolve<AimdConcurrency>(KinesisTokens.Concurrency),
          redactor: c.resolve<SecretRedactor>(KinesisTokens.Redactor),
        }),
    ),
  });
  return scope;
}
