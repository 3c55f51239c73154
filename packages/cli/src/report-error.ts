// The errors module alone: reporting an error must not load the whole framework (see `--version` start time).
import type { Code } from '@offloader/core';
import { ConfigError, OffloaderError } from '@offloader/core/errors';
import { ExitCode } from './exit-codes.js';

/** Codes of problems that waiting cannot heal: nothing was run, exit 2. */
const USAGE_CODES: ReadonlySet<Code> = new Set<Code>([
  'CONFIG_ENV_MISSING',
  'CONFIG_INVALID',
  'CONFIG_NOT_FOUND',
  'CONFIG_YAML_SYNTAX',
  'LOCAL_SERVER_FAILED',
  'PLUGIN_DUPLICATE',
  'PLUGIN_LOAD_FAILED',
  'PLUGIN_OPTIONS_INVALID',
  'PLUGIN_UNKNOWN',
  'USAGE_INVALID',
]);

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
    const failedAtCreate = error.code === 'PLUGIN_FAILED' && error.stage === 'create';
    return USAGE_CODES.has(error.code) || failedAtCreate ? ExitCode.Usage : ExitCode.Failure;
  }
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  return ExitCode.Failure;
}
