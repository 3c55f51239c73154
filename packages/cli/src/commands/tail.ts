import { join } from 'node:path';
import { OffloaderError, UsageError } from '@offloader/core/errors';
import type { KinesisClientOptions, KinesisSinkOptions, TailRecord } from '@offloader/sink-kinesis';
import type { LocalKinesis } from '@offloader/sink-kinesis/local';
import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../exit-codes.js';
import { reportError } from '../report-error.js';

interface TailArgs {
  stream: string;
  pipeline?: string;
  endpoint?: string;
  region?: string;
  from: 'trim-horizon' | 'latest';
  limit?: number;
  follow: boolean;
  data: 'auto' | 'json' | 'base64' | 'text';
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** One JSON line for a record read back; `data` is JSON when it parses (auto), else base64. */
export function tailLine(stream: string, record: TailRecord, format: TailArgs['data']): string {
  const head: Record<string, unknown> = {
    stream,
    shardId: record.shardId,
    sequenceNumber: record.sequenceNumber,
    ...(record.subSequenceNumber === undefined ? {} : { subSequenceNumber: record.subSequenceNumber }),
    partitionKey: record.partitionKey,
  };
  if (format === 'base64') return JSON.stringify({ ...head, data: record.data.toString('base64'), encoding: 'base64' });
  try {
    const text = decoder.decode(record.data);
    if (format === 'text') return JSON.stringify({ ...head, data: text, encoding: 'utf8' });
    return JSON.stringify({ ...head, data: JSON.parse(text) });
  } catch {
    if (format === 'json' || format === 'text') {
      throw new OffloaderError('RECORD_NOT_DECODABLE', `record ${record.sequenceNumber} is not ${format}`);
    }
    return JSON.stringify({ ...head, data: record.data.toString('base64'), encoding: 'base64' });
  }
}

export function tailCommand(setExit: (code: number) => void): CommandModule<object, TailArgs> {
  return {
    command: 'tail <stream>',
    describe: 'Read a Kinesis stream back (all shards, KPL de-aggregated) and print JSON lines',
    builder: (y) =>
      y
        .positional('stream', {
          type: 'string',
          demandOption: true,
          describe: 'stream name or ARN; with --pipeline also a route key (data, dataavg, alarm, custom)',
        })
        .option('pipeline', {
          type: 'string',
          describe: "take endpoint, region and credentials from this pipeline's kinesis sink (local too)",
        })
        .option('endpoint', { type: 'string', describe: 'endpoint URL (default: the regional AWS endpoint)' })
        .option('region', { type: 'string', describe: 'AWS region' })
        .option('from', {
          choices: ['trim-horizon', 'latest'] as const,
          default: 'trim-horizon' as const,
          describe: 'start at the oldest record kept (trim-horizon) or only read records written from now (latest)',
        })
        .option('limit', { type: 'number', describe: 'stop after this many records' })
        .option('follow', { type: 'boolean', default: false, describe: 'keep waiting for new records' })
        .option('data', {
          choices: ['auto', 'json', 'base64', 'text'] as const,
          default: 'auto' as const,
          describe: 'how to print payloads: JSON when they parse (auto), or always base64 / JSON / text',
        })
        .version(false) as unknown as Argv<TailArgs>,
    handler: async (args) => {
      let local: LocalKinesis | undefined;
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      try {
        // Loaded when the command runs, not at start: `--version` and `--help` need neither the SDK nor the plugins.
        const { tailStream } = await import('@offloader/sink-kinesis');
        const connection = await connectionFor(args);
        local = connection.local;
        let count = 0;
        for await (const record of tailStream({
          ...connection.client,
          stream: connection.stream,
          from: args.from,
          limit: args.limit,
          follow: args.follow,
          signal: controller.signal,
        })) {
          process.stdout.write(`${tailLine(connection.stream, record, args.data)}\n`);
          count += 1;
        }
        process.stderr.write(`${count} record(s) read from ${connection.stream}\n`);
        setExit(ExitCode.Ok);
      } catch (error) {
        setExit(reportError(error));
      } finally {
        process.off('SIGINT', stop);
        await local?.close();
      }
    },
  };
}

async function connectionFor(
  args: TailArgs,
): Promise<{ client: KinesisClientOptions; stream: string; local?: LocalKinesis }> {
  if (!args.pipeline) {
    return { client: { endpoint: args.endpoint, region: args.region ?? process.env.AWS_REGION }, stream: args.stream };
  }
  const [{ loadPipelineFile }, { createBuiltinRegistry }, { LocalServerError }] = await Promise.all([
    import('@offloader/core'),
    import('../builtins.js'),
    import('@offloader/sink-kinesis'),
  ]);
  const loaded = await loadPipelineFile(args.pipeline, createBuiltinRegistry());
  const sink = loaded.definition.sink;
  if (sink.type !== 'kinesis') throw new UsageError(`${args.pipeline}: the sink is "${sink.type}", not kinesis`);
  const options = sink.options as unknown as KinesisSinkOptions;
  const streams = options.streams as Record<string, string>;
  const stream = streams[args.stream] ?? args.stream;
  if ((args.endpoint ?? options.endpoint) !== 'local') {
    return {
      client: {
        ...options,
        endpoint: args.endpoint ?? options.endpoint,
        region: args.region ?? options.region,
      } as KinesisClientOptions,
      stream,
    };
  }
  // The embedded server of `endpoint: local` keeps its data in the sink's state folder; open it again to read.
  const path = join(loaded.stateDir, sink.id.replace(/[^A-Za-z0-9_.-]/g, '_'), 'kinesis-local');
  const { startLocalKinesis } = await import('@offloader/sink-kinesis/local');
  const local = await startLocalKinesis({ path }).catch((error: Error) => {
    throw new LocalServerError(
      `cannot open the local Kinesis data in ${path} (is the pipeline still running?): ${error.message}`,
      { cause: error },
    );
  });
  return {
    client: { endpoint: local.endpoint, region: local.region, credentials: local.credentials },
    stream,
    local,
  };
}
