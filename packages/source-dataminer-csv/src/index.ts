export { type DataminerKind, KINDS } from './columns.js';
export { DataminerOptionsError } from './errors.js';
export {
  type AlarmOptions,
  type DataminerCsvOptions,
  type DialectOptions,
  type KindOptions,
  type LookupOptions,
  optionsSchema,
} from './options.js';
export { dataminerCsvSource, plugins } from './plugin.js';
