import type { LoadedPipeline, PluginRegistry, RunSummary } from '@offloader/core';
import { UsageError } from '@offloader/core/errors';
import type { StatusServer } from '@offloader/status';
import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../exit-codes.js';
import { loadPipelineForCommand } from '../framework.js';
import { reportError } from '../report-error.js';
import { STOP_SIGNALS, watchStopRequest } from '../stop-request.js';

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
    describe:
      'Run a pipeline until stopped (Ctrl-C, Ctrl-Break, SIGTERM or "offloader stop" drain in-flight records and commit checkpoints)',
    builder: (y) =>
      y
        .positional('pipeline', { type: 'string', demandOption: true, describe: 'pipeline YAML file' })
        .option('once', { type: 'boolean', default: false, describe: 'process the files present now, then exit' })
        .option('dry-run', {
          type: 'boolean',
          default: false,
          describe:
            'preview: print the records the files present now would give, as JSON lines on stdout; ignores and ' +
            'writes no checkpoint, claim, log file, archive or quarantine, and sends nothing',
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
          describe: 'override `log.level` of the pipeline file (default there: info; warn with --dry-run)',
        })
        .version(false) as unknown as Argv<RunArgs>,
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
  const [{ core, registry, loaded }, { formatRunSummary, ProgressReporter, startStatusServer }] = await Promise.all([
    loadPipelineForCommand(args.pipeline),
    import('@offloader/status'),
  ]);
  const { limitHeapGrowth, Metric, Pipeline } = core;
  // A service beside DataMiner: garbage is reclaimed before the heap grows far past what is in use (see B6).
  limitHeapGrowth();
  const { definition } = loaded;
  if (args.logLevel) definition.log.level = args.logLevel as typeof definition.log.level;
  if (args.dryRun) {
    if (!args.logLevel) definition.log.level = 'warn';
    // A preview writes no file: its log lines go to stderr.
    definition.log.file = undefined;
  }
  if (args.local) {
    if (definition.sink.type !== 'kinesis')
      throw new UsageError('--local needs a pipeline whose sink is of type kinesis');
    definition.sink.options.endpoint = 'local';
  }
  const pipeline = await Pipeline.build(loaded, registry, { once: args.once, dryRun: args.dryRun });
  const controller = new AbortController();
  let interrupts = 0;
  const stop = (signal: string) => {
    interrupts += 1;
    if (interrupts > 1) {
      process.stderr.write(`\n${signal} again: exiting without draining (unacknowledged records are re-sent later)\n`);
      process.exit(ExitCode.Failure);
    }
    process.stderr.write(`\n${signal}: stopping — draining in-flight records, committing checkpoints…\n`);
    controller.abort();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, stop);
  const unwatchStopRequest = args.dryRun ? undefined : watchStopRequest(loaded.stateDir, () => stop('stop request'));
  const { metrics, events, logger } = pipeline.services;
  let server: StatusServer | undefined;
  const progress = args.dryRun ? undefined : new ProgressReporter({ metrics, stream: process.stderr });
  try {
    // A preview opens no port either: it may run beside the real instance that owns it.
    if (definition.http && !args.dryRun) {
      server = await startStatusServer({
        ...definition.http,
        metrics,
        events,
        logger,
        title: definition.name,
        health: pipeline.healthProbe(controller.signal),
      });
      process.stderr.write(`status: ${server.url}/ (metrics ${server.url}/metrics)\n`);
    }
    progress?.start();
    const summary = await pipeline.run(controller.signal);
    await progress?.stop();
    const quarantined = await metrics.total(Metric.filesQuarantined);
    process.stderr.write(formatSummary(summary, quarantined));
    if (args.dryRun) {
      const records = Object.values(summary.sources).reduce((sum, row) => sum + row.delivered, 0);
      process.stderr.write(`dry run: ${records} records would be sent; nothing was changed\n`);
    } else {
      process.stderr.write(formatRunSummary(await metrics.snapshot(), { durationMs: summary.durationMs }));
      process.stderr.write(await explainIdleSources(loaded, registry, summary));
    }
    return summary.ok && quarantined === 0 ? ExitCode.Ok : ExitCode.Failure;
  } finally {
    await progress?.stop();
    await server?.close();
    unwatchStopRequest?.();
    for (const signal of STOP_SIGNALS) process.off(signal, stop);
  }
}

/** Why a source sent nothing (`0 records in`): files already delivered, none there, or a missing folder. */
async function explainIdleSources(loaded: LoadedPipeline, registry: PluginRegistry, summary: RunSummary) {
  const idle = Object.entries(summary.sources).filter(([, row]) => row.recordsIn === 0);
  if (idle.length === 0) return '';
  const { pipelineStatus } = await import('@offloader/core');
  const states = await pipelineStatus(loaded, registry);
  const lines: string[] = [];
  for (const [id] of idle) {
    const status = states.find((row) => row.id === id)?.status;
    if (!status) continue;
    const reasons: string[] = [];
    if (!status.pathExists) reasons.push(`${status.path} does not exist`);
    if (status.delivered > 0) reasons.push(`${status.delivered} file(s) already delivered`);
    if (status.archived > 0) reasons.push(`${status.archived} delivered file(s) in the archive`);
    if (status.pending + status.inProgress > 0) {
      reasons.push(`${status.pending + status.inProgress} file(s) not complete yet (still being written)`);
    }
    if (reasons.length === 0) reasons.push(`no files to read in ${status.path}`);
    lines.push(`  ${id}: 0 records because ${reasons.join(', ')}; see \`offloader status ${loaded.file}\``);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
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
