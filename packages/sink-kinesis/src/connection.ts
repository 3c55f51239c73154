import { join } from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { type DependencyContainer, type Logger, OffloaderError, PluginError, Tokens } from '@offloader/core';
import type { LocalKinesis } from './local/localKinesis.js';
import type { KinesisSinkOptions } from './options.js';
import { PutRecordsWriter } from './PutRecordsWriter.js';
import { type ClientFactory, type ClientTarget, connectionScope } from './services.js';
import { KinesisTokens } from './tokens.js';

/**
 * Where a kinesis sink sends: the SDK client and the writer bound to it, and with `endpoint: local` the embedded
 * Kinesis-API server (started with the sink, stopped with it). Clients come from `KinesisTokens.ClientFactory`.
 */
export class KinesisConnection {
  private client?: KinesisClient;
  private writer?: PutRecordsWriter;
  private resolvedRegion?: string;
  private local?: LocalKinesis;
  /** Streams the embedded server has (configured ones at start, others created on first use). */
  private readonly localStreams = new Set<string>();
  private readonly options: KinesisSinkOptions;
  private readonly sinkId: string;

  constructor(private readonly container: DependencyContainer) {
    this.options = container.resolve<KinesisSinkOptions>(Tokens.PluginOptions);
    this.sinkId = container.resolve<string>(Tokens.PluginId);
    if (this.options.endpoint !== 'local') {
      this.connect({
        endpoint: this.options.endpoint,
        region: this.options.region,
        credentials: this.options.credentials,
      });
    }
  }

  /**
   * Resolves the region once at creation (option, endpoint host, AWS_REGION, profile): without one every call
   * would fail, so a missing region is a configuration error before anything runs.
   */
  async resolveRegion(): Promise<void> {
    if (!this.client) return;
    try {
      this.resolvedRegion = await this.client.config.region();
    } catch {
      throw new PluginError(
        'PLUGIN_OPTIONS_INVALID',
        `kinesis sink ${this.sinkId}: no AWS region — set \`region\`, AWS_REGION or a region in the AWS ` +
          'profile, or give an endpoint like kinesis.<region>.amazonaws.com',
        { field: 'region' },
      );
    }
  }

  region(): string | undefined {
    return this.resolvedRegion;
  }

  localEndpoint(): string | undefined {
    return this.local?.endpoint;
  }

  /** With `endpoint: local`: starts the embedded server with `streams` and connects to it. */
  async start(streams: string[]): Promise<void> {
    if (this.options.endpoint !== 'local' || this.local) return;
    const names = streams.filter((name) => !name.startsWith('arn:'));
    const { local } = this.options;
    const path = local.inMemory
      ? undefined
      : join(this.container.resolve<string>(Tokens.PluginStateDir), 'kinesis-local');
    // Loaded on first use: the embedded server and its optional kinesalite dependency stay out of AWS runs.
    const { startLocalKinesis } = await import('./local/localKinesis.js');
    this.local = await startLocalKinesis({
      host: local.host,
      port: local.port,
      path,
      streams: names.map((name) => ({ name, shards: local.shards })),
    });
    for (const name of names) this.localStreams.add(name);
    this.connect({
      endpoint: this.local.endpoint,
      region: this.options.region ?? this.local.region,
      credentials: this.options.credentials ?? this.local.credentials,
    });
    this.container
      .resolve<Logger>(Tokens.PluginLogger)
      .info(
        { endpoint: this.local.endpoint, path: path ?? 'memory', streams: names, shards: local.shards },
        `embedded Kinesis-API server (kinesalite) listening on ${this.local.endpoint}`,
      );
  }

  /** Custom files may name streams the map does not list: the embedded server creates them on first use. */
  async ensureStream(stream: string): Promise<void> {
    if (!this.local || this.localStreams.has(stream) || stream.startsWith('arn:')) return;
    this.localStreams.add(stream);
    await this.local.createStream({ name: stream, shards: this.options.local.shards });
  }

  requireWriter(): PutRecordsWriter {
    if (!this.writer) {
      throw new OffloaderError('PLUGIN_NOT_STARTED', `kinesis sink ${this.sinkId}: write() before start()`);
    }
    return this.writer;
  }

  async stop(): Promise<void> {
    this.client?.destroy();
    this.client = undefined;
    this.writer = undefined;
    await this.local?.close();
    this.local = undefined;
  }

  private connect(target: ClientTarget): void {
    this.client?.destroy();
    const client = this.container.resolve<ClientFactory>(KinesisTokens.ClientFactory)(target);
    this.client = client;
    this.writer = connectionScope(this.container, client).resolve(PutRecordsWriter);
  }
}
