import { resolve } from 'node:path';
import { type FolderKind } from '@offloader/core';
import type { DataminerKind } from './columns.js';
import { DataminerDecoder, type KindRuntime } from './DataminerDecoder.js';
import { loadElementProperties } from './elementProperties.js';
import { DataminerOptionsError } from './errors.js';
import { FieldReader } from './FieldReader.js';
import { Lookups } from './lookups.js';
import { type AlarmOptions, type DataminerCsvOptions } from './options.js';
import { createMapper } from './RowMappers.js';
import { compileRecordValidator, recordSchema } from './recordSchemas.js';
import { TimestampParser } from './timestamps.js';

/**
 * Builds the decoder of every configured kind, checking the options that JSON Schema cannot (column lists,
 * time zone, merge column, extra fields that would overwrite mapped ones).
 */
export async function createDataminerDecoder(options: DataminerCsvOptions, baseDir: string): Promise<DataminerDecoder> {
  let timestamps: TimestampParser;
  try {
    timestamps = new TimestampParser(options.sourceTimeZone);
  } catch {
    throw new DataminerOptionsError(
      `sourceTimeZone "${options.sourceTimeZone}" is not UTC, local or a known IANA zone`,
      {
        field: 'sourceTimeZone',
      },
    );
  }
  const { dialect } = options;
  const reader = new FieldReader(dialect.nullTokens, dialect.backslashEscapes, timestamps);
  const elementProperties = options.elementProperties
    ? await loadElementProperties(resolve(baseDir, options.elementProperties))
    : undefined;
  const settings = {
    reader,
    lookups: new Lookups(options.lookups),
    elementProperties,
    extraFields: options.extraFields,
  };
  const kinds = new Map<string, KindRuntime>();
  for (const kind of options.kinds) {
    const kindOptions = options[kind];
    const mapped = (recordSchema(kind) as { required: string[] }).required;
    const clash = Object.keys({ ...options.extraFields, ...kindOptions.extraFields }).find((name) =>
      mapped.includes(name),
    );
    if (clash)
      throw new DataminerOptionsError(`extraFields: "${clash}" would overwrite a mapped ${kind} field`, {
        field: 'extraFields',
      });
    if (kinds.has(kindOptions.route)) {
      throw new DataminerOptionsError(`${kind}.route "${kindOptions.route}" is used by two kinds`, {
        field: `${kind}.route`,
      });
    }
    try {
      kinds.set(kindOptions.route, {
        mapper: createMapper(kind, kindOptions, settings),
        validate: compileRecordValidator(kind, kind === 'alarm' ? (kindOptions as AlarmOptions) : undefined),
        columns: kindOptions.columns,
      });
    } catch (error) {
      if (error instanceof DataminerOptionsError) throw error;
      throw new DataminerOptionsError((error as Error).message, { field: `${kind}.columns`, cause: error });
    }
  }
  return new DataminerDecoder(kinds, dialect, options.encoding);
}

/** The folder kinds (sub-folder, name patterns, route) of the configured DataMiner kinds. */
export function folderKinds(options: DataminerCsvOptions): FolderKind[] {
  return options.kinds.map((kind: DataminerKind) => {
    const { dir, include, ignore, route } = options[kind];
    return { route, dir, include, ignore };
  });
}
