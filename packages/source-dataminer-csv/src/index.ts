import type { PluginDefinition } from '@offloader/core';
import { dataminerCsvSource } from './DataminerCsvSource.js';

export {
  type DataminerKind,
  DEFAULT_COLUMNS,
  DEFAULT_DIRS,
  DEFAULT_DOCUMENT_TYPES,
  KINDS,
  REQUIRED_COLUMNS,
} from './columns.js';
export { createDataminerDecoder, dataminerCsvSource, folderKinds } from './DataminerCsvSource.js';
export { DataminerDecoder, type KindRuntime, UNKNOWN_ENUM_ID } from './DataminerDecoder.js';
export { loadElementProperties } from './elementProperties.js';
export { DataminerOptionsError, FieldError } from './errors.js';
export { FieldReader, parseInteger, unescapeBackslashes } from './FieldReader.js';
export { detectEncoding, type LineChunk, readLines, type TextEncoding } from './LineReader.js';
export { DEFAULT_ENUM, DEFAULT_ISTATUS, type EnumField, Lookups } from './lookups.js';
export {
  type AlarmOptions,
  type DataminerCsvOptions,
  type DialectOptions,
  type KindOptions,
  type LookupOptions,
  optionsSchema,
  resolveOptions,
} from './options.js';
export { type QuotedRow, readQuoted } from './QuotedReader.js';
export { AlarmMapper, createMapper, DataAvgMapper, DataMapper, type MapperSettings, RowMapper } from './RowMappers.js';
export { compileRecordValidator, recordSchema } from './recordSchemas.js';
export { type ParsedTime, TimestampParser } from './timestamps.js';

/** Every plugin of this package, for `registry.registerAll(plugins)`. */
export const plugins: PluginDefinition[] = [dataminerCsvSource as unknown as PluginDefinition];
