import { corePlugins, type PluginDefinition, PluginRegistry } from '@offloader/core';
// The plugin definition alone: the sink and the AWS SDK load when a pipeline runs, not to validate one.
import { plugins as kinesisPlugins } from '@offloader/sink-kinesis/plugin';
import { plugins as customPlugins } from '@offloader/source-custom';
import { plugins as dataminerPlugins } from '@offloader/source-dataminer-csv';

/** Every plugin shipped with Offloader. */
export const builtinPlugins: PluginDefinition[] = [
  ...corePlugins,
  ...(dataminerPlugins as PluginDefinition[]),
  ...(customPlugins as PluginDefinition[]),
  ...(kinesisPlugins as PluginDefinition[]),
];

/** A fresh registry with the built-in plugins. */
export function createBuiltinRegistry(): PluginRegistry {
  return new PluginRegistry().registerAll(builtinPlugins);
}
