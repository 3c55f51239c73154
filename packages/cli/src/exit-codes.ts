/** Process exit codes of the `offloader` command. */
export const ExitCode = {
  Ok: 0,
  /** Runtime failure: records not delivered, a plugin crashed. */
  Failure: 1,
  /** Usage or configuration error: nothing was run. */
  Usage: 2,
} as const;
