import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { pluginsCommand } from './commands/plugins.js';
import { runCommand } from './commands/run.js';
import { schemaCommand } from './commands/schema.js';
import { stopCommand } from './commands/stop.js';
import { tailCommand } from './commands/tail.js';
import { validateCommand } from './commands/validate.js';
import { ExitCode } from './exit-codes.js';
import { reportError } from './report-error.js';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

/** Runs the CLI with `argv` (without node and script); resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const parser = yargs(argv)
    .scriptName('offloader')
    .usage('$0 <command> [options]\n\nShips DataMiner offload files to AWS Kinesis Data Streams.')
    .command(runCommand(setExit))
    .command(validateCommand(setExit))
    .command(pluginsCommand(setExit))
    .command(schemaCommand(setExit))
    .command(tailCommand(setExit))
    .command(stopCommand(setExit))
    .demandCommand(1, 'Name a command: run, validate, plugins, schema, tail or stop.')
    .strict()
    .version(version)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .epilogue('Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error.')
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      process.stderr.write(`${message}\n\nRun "offloader --help" for usage.\n`);
      setExit(ExitCode.Usage);
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    return reportError(error);
  }
  return exitCode;
}
