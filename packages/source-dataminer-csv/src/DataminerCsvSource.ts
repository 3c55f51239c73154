import { resolve } from 'node:path';
import {
  createFolderSource,
  definePlugin,
  type FolderKind,
  folderPathProblems,
  folderSettingsFrom,
  type PluginContext,
  type Source,
} from '@offloader/core';
import type { DataminerKind } from './columns.js';
import { DataminerDecoder, type KindRuntime } from './DataminerDecoder.js';
import { loadElementProperties } from './elementProperties.js';
import { DataminerOptionsError } from './errors.js';
import { FieldReader } from './FieldReader.js';
import { Lookups } from './lookups.js';
import { type AlarmOptions, DATAMINER_FOLDER_DEFAULTS, type DataminerCsvOptions, optionsSchema } from './options.js';
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
