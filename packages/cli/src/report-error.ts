import { ConfigError, OffloaderError } from '@offloader/core';
import { ExitCode } from './exit-codes.js';

/** Prints an error for people and picks the exit code. */
export function reportError(error: unknown): number {
  if (error instanceof ConfigError) {
    process.stderr.write(
      `Invalid pipeline (${error.problems.length} problem${error.problems.length > 1 ? 's' : ''}):\n`,
    );
    for (const line of error.message.split('\n')) process.stderr.write(`  ${line}\n`);
    return ExitCode.Usage;
  }
  if (error instanceof OffloaderError) {
    process.stderr.write(`error ${error.code}: ${error.describe()}\n`);
    return error.code.startsWith('CONFIG') || error.code.startsWith('PLUGIN_') ? ExitCode.Usage : ExitCode.Failure;
  }
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  return ExitCode.Failure;
}
