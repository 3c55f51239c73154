import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../exit-codes.js';
import { loadPipelineForCommand } from '../framework.js';
import { reportError } from '../report-error.js';
import { requestStop } from '../stop-request.js';

interface StopArgs {
  pipeline: string;
  wait: number;
}

export function stopCommand(setExit: (code: number) => void): CommandModule<object, StopArgs> {
  return {
    command: 'stop <pipeline>',
    describe:
      'Ask the running "offloader run <pipeline>" to stop: it drains in-flight records, commits checkpoints and exits 0 (what the Windows service runs on stop)',
    builder: (y) =>
      y
        .positional('pipeline', {
          type: 'string',
          demandOption: true,
          describe: 'pipeline YAML file of the running pipeline',
        })
        .option('wait', {
          type: 'number',
          default: 10,
          describe: 'seconds to wait for the running pipeline to take the request',
        }) as unknown as Argv<StopArgs>,
    handler: async (args) => {
      try {
        const { loaded } = await loadPipelineForCommand(args.pipeline);
        if (await requestStop(loaded.stateDir, args.wait * 1000)) {
          process.stderr.write(`${loaded.definition.name}: stop request taken; the pipeline drains and exits\n`);
          setExit(ExitCode.Ok);
        } else {
          process.stderr.write(
            `${loaded.definition.name}: no running pipeline took the stop request within ${args.wait} s (state ${loaded.stateDir})\n`,
          );
          setExit(ExitCode.Failure);
        }
      } catch (error) {
        setExit(reportError(error));
      }
    },
  };
}
