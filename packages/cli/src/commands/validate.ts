import type { CommandModule } from 'yargs';
import { ExitCode } from '../exit-codes.js';
import { loadPipelineForCommand } from '../framework.js';
import { reportError } from '../report-error.js';

export function validateCommand(setExit: (code: number) => void): CommandModule<object, { pipeline: string }> {
  return {
    command: 'validate <pipeline>',
    describe: 'Check a pipeline file (YAML syntax, environment variables, every plugin option); exit 2 on problems',
    builder: (y) =>
      y.positional('pipeline', { type: 'string', demandOption: true, describe: 'pipeline YAML file' }).version(false),
    handler: async (args) => {
      try {
        const { loaded } = await loadPipelineForCommand(args.pipeline);
        const { definition } = loaded;
        process.stdout.write(
          `${args.pipeline}: valid — ${definition.sources.length} source(s) [${definition.sources.map((s) => `${s.id}:${s.type}`).join(', ')}], ` +
            `${definition.transformers.length} transformer(s), sink ${definition.sink.type}; state in ${loaded.stateDir}\n`,
        );
        setExit(ExitCode.Ok);
      } catch (error) {
        setExit(reportError(error));
      }
    },
  };
}
