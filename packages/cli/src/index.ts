// The public API. The `offloader` command itself starts from main.js, which does not load the plugins (see
// builtins.js) until a command needs them.
export { builtinPlugins, createBuiltinRegistry } from './builtins.js';
export { ExitCode } from './exit-codes.js';
export { main } from './main.js';
export { reportError } from './report-error.js';
