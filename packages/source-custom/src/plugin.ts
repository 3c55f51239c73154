import { resolve } from 'node:path';
import {
  coreServices,
  createFolderSource,
  definePlugin,
  folderPathProblems,
  folderSettingsFrom,
} from '@offloader/core';
import { CustomFileDecoder } from './CustomFileDecoder.js';
import { CUSTOM_FOLDER_DEFAULTS, type CustomSourceOptions, customSourceOptionsSchema } from './options.js';
import { RecordConverter } from './RecordConverter.js';

/** Route of every record of this source: the sink's `streams.custom` unless the file names an allowed stream. */
export const CUSTOM_ROUTE = 'custom';

/**
 * The `custom` source: reads files another program wrote in PutRecords shape (a `.json` request body, or JSON
 * Lines with one record per line) from a folder, and sends each record's payload bytes as they are.
 */
export const customSource = definePlugin<'source', CustomSourceOptions>({
  kind: 'source',
  type: 'custom',
  description:
    'Custom offload files: PutRecords-shaped JSON documents or JSON Lines written by another program, sent byte-exact',
  optionsSchema: customSourceOptionsSchema,
  checkOptions: (options, { baseDir }) => folderPathProblems(options, baseDir),
  // Entries may name their own stream, but those that do not go by this route.
  routesOf: () => [CUSTOM_ROUTE],
  create(options, context) {
    const root = resolve(context.baseDir, options.path);
    const { events } = coreServices(context.container);
    const converter = new RecordConverter({
      dataEncoding: options.dataEncoding,
      maxRecordBytes: options.maxRecordBytes,
      allowedStreams: options.allowedStreams,
    });
    const decoder = new CustomFileDecoder({
      format: options.format,
      converter,
      maxRecordBytes: options.maxRecordBytes,
      allowedStreams: options.allowedStreams,
      route: CUSTOM_ROUTE,
      report: (file, code, message) =>
        events.emit({ severity: 'error', source: context.id, code, file: file.path, message }),
    });
    return createFolderSource(
      {
        root,
        kinds: [{ route: CUSTOM_ROUTE, dir: '.', include: options.include, ignore: options.ignore }],
        decoder,
        ...folderSettingsFrom(options, root, CUSTOM_FOLDER_DEFAULTS),
      },
      context,
    );
  },
});

/** Every plugin of this package, for the registry. */
export const plugins = [customSource];
