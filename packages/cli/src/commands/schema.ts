import { writeFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../exit-codes.js';

export function schemaCommand(setExit: (code: number) => void): CommandModule<object, { out?: string }> {
  return {
    command: 'schema',
    describe:
      'Print the JSON Schema of pipeline files (for editor completion, e.g. yaml-language-server), or write it with --out',
    builder: (y) =>
      y
        .option('out', {
          type: 'string',
          describe: 'write the schema to this file instead of stdout (pipeline.schema.json is git-ignored)',
        })
        .version(false) as unknown as Argv<{ out?: string }>,
    handler: async (args) => {
      // Loaded when the command runs, not at start: `--version` and `--help` need neither the SDK nor the plugins.
      const [{ pipelineJsonSchema }, { createBuiltinRegistry }] = await Promise.all([
        import('@offloader/core'),
        import('../builtins.js'),
      ]);
      const text = `${JSON.stringify(pipelineJsonSchema(createBuiltinRegistry()), null, 2)}\n`;
      if (args.out) {
        writeFileSync(args.out, text);
        process.stderr.write(`JSON Schema written to ${args.out}\n`);
      } else process.stdout.write(text);
      setExit(ExitCode.Ok);
    },
  };
}
