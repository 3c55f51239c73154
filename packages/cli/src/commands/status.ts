import type { SourceStatus } from '@offloader/core';
import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../exit-codes.js';
import { loadPipelineForCommand } from '../framework.js';
import { reportError } from '../report-error.js';

interface StatusArgs {
  pipeline: string;
  json: boolean;
}

export function statusCommand(setExit: (code: number) => void): CommandModule<object, StatusArgs> {
  return {
    command: 'status <pipeline>',
    describe:
      'Show per source what is pending, in progress, delivered, archived and quarantined, rejected rows and the last checkpoint (reads only)',
    builder: (y) =>
      y
        .positional('pipeline', { type: 'string', demandOption: true, describe: 'pipeline YAML file' })
        .option('json', { type: 'boolean', default: false, describe: 'print one JSON object per source' })
        .version(false) as unknown as Argv<StatusArgs>,
    handler: async (args) => {
      try {
        const { core, registry, loaded } = await loadPipelineForCommand(args.pipeline);
        const rows = await core.pipelineStatus(loaded, registry);
        if (args.json) {
          for (const row of rows) process.stdout.write(`${JSON.stringify(row.status ?? { source: row.id })}\n`);
        } else {
          process.stdout.write(`${loaded.definition.name}: state in ${loaded.stateDir}\n`);
          process.stdout.write(formatStatusTable(rows));
        }
        setExit(ExitCode.Ok);
      } catch (error) {
        setExit(reportError(error));
      }
    },
  };
}

const COLUMNS: [string, (s: SourceStatus) => string | number][] = [
  ['pending', (s) => s.pending],
  ['in progress', (s) => s.inProgress],
  ['delivered', (s) => s.delivered],
  ['archived', (s) => s.archived],
  ['quarantined', (s) => s.quarantined],
  ['rejected rows', (s) => s.rejectedRows],
  ['last checkpoint', (s) => s.lastCheckpoint ?? 'never'],
];

/** The status table: one row per source, then a note per source whose folder is missing. */
export function formatStatusTable(rows: { id: string; status?: SourceStatus }[]): string {
  const header = ['source', ...COLUMNS.map(([name]) => name)];
  const cells = rows.map(({ id, status }) =>
    status ? [id, ...COLUMNS.map(([, value]) => String(value(status)))] : [id, '(keeps no delivery state)'],
  );
  const widths = header.map((name, i) => Math.max(name.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    `  ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')}`.trimEnd();
  const notes = rows
    .filter(({ status }) => status && !status.pathExists)
    .map(({ id, status }) => `  ${id}: ${status?.path} does not exist (or is not a folder)`);
  return `${[line(header), ...cells.map(line), ...notes].join('\n')}\n`;
}
