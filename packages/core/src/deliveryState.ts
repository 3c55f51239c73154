import type { LoadedPipeline } from './config.js';
import { createPipelineContainer, createPluginContext } from './container.js';
import { attributeError, OffloaderError } from './errors.js';
import type { Source, SourceReset, SourceStatus } from './plugin.js';
import type { PluginRegistry } from './registry.js';

/**
 * The sources of a pipeline, created but never started: enough to read or forget their delivery state. The
 * container is not in dry-run mode so the real checkpoints are read; nothing is written unless asked (`reset`).
 */
async function createIdleSources(loaded: LoadedPipeline, registry: PluginRegistry, only?: string) {
  const uses = loaded.definition.sources.filter((use) => only === undefined || use.id === only);
  if (uses.length === 0) {
    const known = loaded.definition.sources.map((use) => use.id).join(', ');
    throw new OffloaderError('CONFIG_INVALID', `no source with id "${only}" in ${loaded.file} (sources: ${known})`);
  }
  const container = createPipelineContainer({
    stateDir: loaded.stateDir,
    mode: { once: true, dryRun: false },
  });
  const sources: Source[] = [];
  for (const use of uses) {
    const context = createPluginContext(container, use.id, { baseDir: loaded.baseDir, stateDir: loaded.stateDir });
    try {
      sources.push((await registry.get('source', use.type).create(use.options, context)) as Source);
    } catch (error) {
      throw attributeError(error, use.type, 'create');
    }
  }
  return sources;
}

/** Delivery state of every source (`offloader status`); `undefined` for a source that keeps none. */
export async function pipelineStatus(
  loaded: LoadedPipeline,
  registry: PluginRegistry,
): Promise<{ id: string; status?: SourceStatus }[]> {
  const sources = await createIdleSources(loaded, registry);
  return Promise.all(sources.map(async (source) => ({ id: source.id, status: await source.status?.() })));
}

/** Forgets what the sources (or the one named) delivered (`offloader reset`); returns what was forgotten. */
export async function resetPipeline(
  loaded: LoadedPipeline,
  registry: PluginRegistry,
  sourceId?: string,
): Promise<SourceReset[]> {
  const sources = await createIdleSources(loaded, registry, sourceId);
  const results: SourceReset[] = [];
  for (const source of sources) if (source.reset) results.push(await source.reset());
  return results;
}
