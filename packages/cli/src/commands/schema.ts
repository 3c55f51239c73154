import { pipelineJsonSchema } from '@offloader/core';
import type { CommandModule } from 'yargs';
import { createBuiltinRegistry } from '../builtins.js';
import { ExitCode } from '../exit-codes.js';

export function schemaCommand(setExit: (code: number) => void): CommandModule {
  return {
    command: 'schema',
    describe: 'Print the JSON Schema of pipeline files (for editor completion, e.g. yaml-language-server)',
    handler: () => {
      process.stdout.write(`${JSON.stringify(pipelineJsonSchema(createBuiltinRegistry()), null, 2)}\n`);
      setExit(ExitCode.Ok);
    },
  };
}
