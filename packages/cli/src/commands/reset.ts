import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../exit-codes.js';
import { loadPipelineForCommand } from '../framework.js';
import { reportError } from '../report-error.js';

interface ResetArgs {
  pipeline: string;
  source?: string;
  yes: boolean;
}

export function resetCommand(setExit: (code: number) => void): CommandModule<object, ResetArgs> {
  return {
    command: 'reset <pipeline>',
    describe:
      'Forget what was delivered (checkpoints and done markers), so every file still in the folder is sent again; asks first',
    builder: (y) =>
      y
        .positional('pipeline', { type: 'string', demandOption: true, describe: 'pipeline YAML file' })
        .option('source', { type: 'string', describe: 'reset only the source with this id (default: every source)' })
        .option('yes', {
          type: 'boolean',
          default: false,
          describe: 'do not ask for confirmation (needed when stdin is not a terminal, e.g. in scripts)',
        })
        .version(false) as unknown as Argv<ResetArgs>,
    handler: async (args) => {
      try {
        const { core, registry, loaded } = await loadPipelineForCommand(args.pipeline);
        const which = args.source ? `source ${args.source}` : 'every source';
        const question = `Forget the delivery state of ${which} of ${loaded.definition.name} (${loaded.stateDir})? Files still in the folder will be sent again. [y/N] `;
        if (!args.yes) {
          if (!process.stdin.isTTY) {
            process.stderr.write(
              'reset: stdin is not a terminal, so nothing can be confirmed; add --yes to reset anyway\n',
            );
            setExit(ExitCode.Usage);
            return;
          }
          if (!(await confirm(question, process.stdin, process.stderr))) {
            process.stderr.write('reset: nothing changed\n');
            setExit(ExitCode.Ok);
            return;
          }
        }
        for (const result of await core.resetPipeline(loaded, registry, args.source)) {
          process.stdout.write(`${result.source}: forgot ${result.forgotten} file(s); they will be sent again\n`);
        }
        setExit(ExitCode.Ok);
      } catch (error) {
        setExit(reportError(error));
      }
    },
  };
}

/** Asks a yes/no question; only `y` or `yes` (any case) confirms. */
export async function confirm(question: string, input: Readable, output: Writable): Promise<boolean> {
  const prompt = createInterface({ input, output });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}
