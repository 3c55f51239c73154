import { writeFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../exit-codes.js';
import { loadFramework } from '../framework.js';

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
      const { core, registry } = await loadFramework();
      const text = `${JSON.stringify(core.pipelineJsonSchema(registry), null, 2)}\n`;
      if (args.out) {
        writeFileSync(args.out, text);
        process.stderr.write(`JSON Schema written to ${args.out}\n`);
      } else process.stdout.write(text);
      setExit(ExitCode.Ok);
    },
  };
}
