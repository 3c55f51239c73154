import type { CommandModule } from 'yargs';
import { ExitCode } from '../exit-codes.js';

export function schemaCommand(setExit: (code: number) => void): CommandModule {
  return {
    command: 'schema',
    describe: 'Print the JSON Schema of pipeline files (for editor completion, e.g. yaml-language-server)',
    handler: async () => {
      // Loaded when the command runs, not at start: `--version` and `--help` need neither the SDK nor the plugins.
      const [{ pipelineJsonSchema }, { createBuiltinRegistry }] = await Promise.all([
        import('@offloader/core'),
        import('../builtins.js'),
      ]);
      process.stdout.write(`${JSON.stringify(pipelineJsonSchema(createBuiltinRegistry()), null, 2)}\n`);
      setExit(ExitCode.Ok);
    },
  };
}
