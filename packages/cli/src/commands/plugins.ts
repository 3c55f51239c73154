import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../exit-codes.js';

interface SchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
}

/** `name (type, default x) — description` lines for every option, nested options indented. */
export function describeOptions(schema: SchemaNode, indent = '    '): string[] {
  const lines: string[] = [];
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const type = field.enum
      ? field.enum.map((v) => JSON.stringify(v)).join('|')
      : [field.type ?? 'any'].flat().join('|');
    const facts = [type, schema.required?.includes(name) ? 'required' : undefined];
    if (field.default !== undefined) facts.push(`default ${JSON.stringify(field.default)}`);
    lines.push(
      `${indent}${name} (${facts.filter(Boolean).join(', ')})${field.description ? ` — ${field.description}` : ''}`,
    );
    if (field.properties) lines.push(...describeOptions(field, `${indent}  `));
  }
  return lines;
}

export function pluginsCommand(
  setExit: (code: number) => void,
): CommandModule<object, { json: boolean; markdown: boolean }> {
  return {
    command: 'plugins',
    describe: 'List every registered plugin type with its options',
    builder: (y) => {
      const argv = y
        .option('json', { type: 'boolean', default: false, describe: 'print JSON with each options schema' })
        .option('markdown', { type: 'boolean', default: false, describe: 'print the YAML reference (Markdown)' })
        .version(false);
      return argv as unknown as Argv<{ json: boolean; markdown: boolean }>;
    },
    handler: async (args) => {
      // Loaded when the command runs, not at start: `--version` and `--help` need neither the SDK nor the plugins.
      const [{ createBuiltinRegistry }, { yamlReference }] = await Promise.all([
        import('../builtins.js'),
        import('../reference.js'),
      ]);
      const plugins = createBuiltinRegistry().list();
      if (args.markdown) {
        process.stdout.write(yamlReference(plugins));
      } else if (args.json) {
        const rows = plugins.map((p) => ({
          kind: p.kind,
          type: p.type,
          description: p.description,
          optionsSchema: p.optionsSchema,
        }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else {
        for (const plugin of plugins) {
          process.stdout.write(`${plugin.kind} ${plugin.type}\n  ${plugin.description}\n`);
          process.stdout.write(`${describeOptions(plugin.optionsSchema as SchemaNode).join('\n')}\n\n`);
        }
      }
      setExit(ExitCode.Ok);
    },
  };
}
