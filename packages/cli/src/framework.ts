/**
 * Core and the built-in plugins, loaded when a command runs rather than at start: `--version` and `--help`
 * need neither the AWS SDK nor the plugins (cold start, bench B7).
 */
export async function loadFramework() {
  const [core, { createBuiltinRegistry }] = await Promise.all([import('@offloader/core'), import('./builtins.js')]);
  return { core, registry: createBuiltinRegistry() };
}

/** {@link loadFramework}, then the pipeline file, validated (a ConfigError lists every problem). */
export async function loadPipelineForCommand(file: string) {
  const { core, registry } = await loadFramework();
  return { core, registry, loaded: await core.loadPipelineFile(file, registry) };
}
