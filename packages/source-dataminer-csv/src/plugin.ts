import { resolve } from 'node:path';
import {
  createFolderSource,
  definePlugin,
  folderPathProblems,
  folderSettingsFrom,
  type PluginContext,
  type PluginDefinition,
  type Source,
} from '@offloader/core';
import { createDataminerDecoder, folderKinds } from './createDecoder.js';
import { DATAMINER_FOLDER_DEFAULTS, type DataminerCsvOptions, optionsSchema } from './options.js';

async function create(options: DataminerCsvOptions, context: PluginContext): Promise<Source> {
  const decoder = await createDataminerDecoder(options, context.baseDir);
  const root = resolve(context.baseDir, options.path);
  return createFolderSource(
    { root, kinds: folderKinds(options), decoder, ...folderSettingsFrom(options, root, DATAMINER_FOLDER_DEFAULTS) },
    context,
  );
}

/**
 * `dataminer-csv`: reads DataMiner central-DB offload files (Data, Dataavg, alarms) and emits one schema-valid
 * JSON record per row, routed `data` / `dataavg` / `alarm`.
 */
export const dataminerCsvSource = definePlugin<'source', DataminerCsvOptions>({
  kind: 'source',
  type: 'dataminer-csv',
  description:
    'DataMiner central-DB offload files (Data, Dataavg, alarm rows) → one JSON record per row, validated against the corrected connector schemas, routed by kind.',
  optionsSchema: optionsSchema as unknown as Record<string, unknown>,
  checkOptions: (options, { baseDir }) => folderPathProblems(options, baseDir),
  routesOf: (options) => {
    const routes = options.kinds.map((kind) => options[kind].route);
    if (options.kinds.includes('alarm') && options.alarm.infoEvents === 'route') routes.push(options.alarm.infoRoute);
    return routes;
  },
  create,
});

/** Every plugin of this package, for `registry.registerAll(plugins)`. */
export const plugins: PluginDefinition[] = [dataminerCsvSource as unknown as PluginDefinition];
