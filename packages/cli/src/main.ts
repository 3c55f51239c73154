import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { pluginsCommand } from './commands/plugins.js';
import { resetCommand } from './commands/reset.js';
import { runCommand } from './commands/run.js';
import { schemaCommand } from './commands/schema.js';
import { statusCommand } from './commands/status.js';
import { stopCommand } from './commands/stop.js';
import { tailCommand } from './commands/tail.js';
import { validateCommand } from './commands/validate.js';
import { ExitCode } from './exit-codes.js';
import { reportError } from './report-error.js';

/** A command line yargs rejected (unknown flag or command, missing argument): exit 2, nothing ran. */
class CommandLineRejected extends Error {}

const COMMANDS = ['run', 'validate', 'status', 'reset', 'plugins', 'schema', 'tail', 'stop'];

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
    .command(statusCommand(setExit))
    .command(resetCommand(setExit))
    .command(pluginsCommand(setExit))
    .command(schemaCommand(setExit))
    .command(tailCommand(setExit))
    .command(stopCommand(setExit))
    .demandCommand(1, 'Name a command: run, validate, status, reset, plugins, schema, tail or stop.')
    .recommendCommands()
    .strict()
    .version(version)
    .describe('version', 'Show the version number')
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .epilogue('Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error.')
    .exitProcess(false)
    .fail((message, error) => {
      // Throwing stops yargs before any command handler runs: a mistyped flag never starts a real run.
      throw error ?? new CommandLineRejected(message);
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    if (!(error instanceof CommandLineRejected)) return reportError(error);
    const command = argv.find((arg) => !arg.startsWith('-'));
    const help = command && COMMANDS.includes(command) ? `offloader ${command} --help` : 'offloader --help';
    process.stderr.write(`${error.message}\n\nRun "${help}" for usage.\n`);
    return ExitCode.Usage;
  }
  return exitCode;
}
