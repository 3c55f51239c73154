import { coreServices } from '../container.js';
import type { PluginContext } from '../plugin.js';
import { FolderSource } from './FolderSource.js';
import type { FolderSourceOptions } from './types.js';

/** Folder source settings a plugin chooses; id, base folder, run mode and services come from the context. */
export type FolderSourceSettings = Omit<FolderSourceOptions, 'sourceId' | 'baseDir' | 'mode' | 'services'>;

/** Builds a {@link FolderSource} for a plugin, wiring the pipeline's services, run mode and base folder. */
export function createFolderSource(settings: FolderSourceSettings, context: PluginContext): FolderSource {
  const { logger, clock, metrics, events, checkpoints } = coreServices(context.container);
  return new FolderSource(
    {
      ...settings,
      sourceId: context.id,
      baseDir: context.baseDir,
      mode: context.mode,
      services: { logger, clock, metrics, events, checkpoints },
    },
    context.container,
  );
}
