import type { PluginDefinition } from '@offloader/core';
import { dataminerCsvSource } from './DataminerCsvSource.js';

export { type DataminerKind, KINDS } from './columns.js';
export { dataminerCsvSource } from './DataminerCsvSource.js';
export { DataminerOptionsError } from './errors.js';
export {
  type AlarmOptions,
  type DataminerCsvOptions,
  type DialectOptions,
  type KindOptions,
  type LookupOptions,
  optionsSchema,
} from './options.js';

/** Every plugin of this package, for `registry.registerAll(plugins)`. */
export const plugins: PluginDefinition[] = [dataminerCsvSource as unknown as PluginDefinition];
