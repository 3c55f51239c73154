import {
  formatRunSummary,
  type HealthReport,
  loadPipelineFile,
  Metric,
  Pipeline,
  ProgressReporter,
  type RunSummary,
  type StatusServer,
  startStatusServer,
} from '@offloader/core';
import type { Argv, CommandModule } from 'yargs';
import { createBuiltinRegistry } from '../builtins.js';
import { ExitCode } from '../exit-codes.js';
import { reportError } from '../report-error.js';

interface RunArgs {
  pipeline: string;
  once: boolean;
  dryRun: boolean;
  local: boolean;
  logLevel?: string;
}

export function runCommand(setExit: (code: number) => void): CommandModule<object, RunArgs> {
  return {
    command: 'run <pipeline>',
    describe: 'Run a pipeline until stopped (Ctrl-C drains in-flight records and commits checkpoints)',
    builder: (y) =>
      y
        .positional('pipeline', { type: 'string', demandOption: true, describe: 'pipeline YAML file' })
        .option('once', { type: 'boolean', default: false, describe: 'process the files present now, then exit' })
        .option('dry-run', {
          type: 'boolean',
          default: false,
          describe: 'print records as JSON lines on stdout; send nothing, move no file',
        })
        .option('local', {
          type: 'boolean',
          default: false,
          describe:
            'send to an embedded local Kinesis-API server instead of AWS (sets the kinesis endpoint to "local")',
        })
        .option('log-level', {
          type: 'string',
          choices: ['debug', 'info', 'warn', 'error', 'silent'],
        }) as unknown as Argv<RunArgs>,
    handler: async (args) => {
      try {
        setExit(await runPipeline(args));
      } catch (error) {
        setExit(reportError(error));
      }
    },
  };
}

async function runPipeline(args: RunArgs): Promise<number> {
  const registry = createBuiltinRegistry();
  const loaded = await loadPipelineFile(args.pipeline, registry);
  const { definition } = loaded;
  if (args.logLevel) definition.log.level = args.logLevel as typeof definition.log.level;
  if (args.dryRun && !args.logLevel) definition.log.level = 'warn';
  if (args.local) {
    if (definition.sink.type !== 'kinesis') throw new Error('--local needs a pipeline whose sink is of type kinesis');
    definition.sink.options.endpoint = 'local';
  }
  const pipeline = await Pipeline.build(loaded, registry, { once: args.once, dryRun: args.dryRun });
  const controller = new AbortController();
  let interrupts = 0;
  const stop = (signal: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts > 1) {
      process.stderr.write(`\n${signal} again: exiting without draining (unacknowledged records are re-sent later)\n`);
      process.exit(ExitCode.Failure);
    }
    process.stderr.write(`\n${signal}: stopping — draining in-flight records, committing checkpoints…\n`);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const { statistics, events, logger } = pipeline.services;
  let server: StatusServer | undefined;
  const progress = args.dryRun ? undefined : new ProgressReporter({ statistics, stream: process.stderr });
  try {
    if (definition.http) {
      server = await startStatusServer({
        ...definition.http,
        statistics,
        events,
        logger,
        title: definition.name,
        health: healthProbe(pipeline, controller.signal),
      });
      process.stderr.write(`status: ${server.url}/ (metrics ${server.url}/metrics)\n`);
    }
    progress?.start();
    const summary = await pipeline.run(controller.signal);
    progress?.stop();
    const quarantined = statistics.total(Metric.filesQuarantined);
    process.stderr.write(formatSummary(summary, quarantined));
    if (!args.dryRun) process.stderr.write(formatRunSummary(statistics.snapshot(), { durationMs: summary.durationMs }));
    return summary.ok && quarantined === 0 ? ExitCode.Ok : ExitCode.Failure;
  } finally {
    progress?.stop();
    await server?.close();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** Health for /health: degraded while records fail or are throttled, not ready while stopping. */
export function healthProbe(pipeline: Pipeline, stopping: AbortSignal): () => HealthReport {
  const { statistics } = pipeline.services;
  let lastFailed = 0;
  let lastThrottled = 0;
  return () => {
    const failed = statistics.total(Metric.recordsFailed);
    const throttled = statistics.total(Metric.recordsThrottled);
    const reasons: string[] = [];
    if (failed > lastFailed)
      reasons.push(`${failed - lastFailed} record(s) not delivered since the last check (see /events)`);
    if (throttled > lastThrottled)
      reasons.push(`${throttled - lastThrottled} record(s) throttled since the last check`);
    if (stopping.aborted) reasons.push('stopping: draining in-flight records');
    lastFailed = failed;
    lastThrottled = throttled;
    const unreachable = unreachableStreams(pipeline);
    for (const [stream, at] of unreachable)
      reasons.push(`stream ${stream} unreachable (last report ${at}); records kept and retried`);
    const queue = pipeline.runner.queue;
    if (queue.buffered >= queue.maxBuffered && unreachable.size === 0) {
      reasons.push(`buffer full (${queue.buffered} records): the sink is the bottleneck`);
    }
    const ready = !stopping.aborted && unreachable.size === 0;
    return { status: reasons.length ? 'degraded' : 'ok', live: true, ready, reasons };
  };
}

/** Streams whose newest reachability event says unreachable, with the time that started. */
function unreachableStreams(pipeline: Pipeline): Map<string, string> {
  const state = new Map<string, { down: boolean; since: string }>();
  // Newest first: the first event seen per stream is its current state.
  for (const event of pipeline.services.events.list({})) {
    if (event.code !== 'STREAM_UNREACHABLE' && event.code !== 'STREAM_RECOVERED') continue;
    const stream = /^stream (\S+)/.exec(event.message)?.[1] ?? event.source;
    if (!state.has(stream)) state.set(stream, { down: event.code === 'STREAM_UNREACHABLE', since: event.time });
  }
  return new Map([...state].filter(([, value]) => value.down).map(([stream, value]) => [stream, value.since]));
}

function formatSummary(summary: RunSummary, quarantinedFiles: number): string {
  const lines = [
    `${summary.name}: ${summary.ok ? 'done' : 'FAILED'} in ${(summary.durationMs / 1000).toFixed(1)} s (${summary.stoppedBy})`,
  ];
  for (const [id, row] of Object.entries(summary.sources)) {
    lines.push(
      `  ${id}: ${row.recordsIn} records in, ${row.delivered} delivered, ${row.filtered} filtered, ${row.rejected} rejected, ${row.failed} failed`,
    );
  }
  if (quarantinedFiles) lines.push(`  ${quarantinedFiles} file(s) quarantined`);
  for (const error of summary.errors) lines.push(`  error: ${error}`);
  return `${lines.join('\n')}\n`;
}
