import {
  type FolderOptionDefaults,
  type FromSchema,
  folderOptionsProperties,
  folderPathProperty,
} from '@offloader/core';

/** Producers of custom files expect them archived; settle 2 s, poll 1 s. */
export const CUSTOM_FOLDER_DEFAULTS: FolderOptionDefaults = {
  pollIntervalMs: 1000,
  settleMs: 2000,
  afterDelivery: 'archive',
  archiveDir: '_archive',
  quarantineDir: '_quarantine',
};

export const MIB = 1024 * 1024;

/** JSON Schema (draft-07) of the options: validates the YAML, fills defaults, documents the plugin. */
export const customSourceOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: {
    path: folderPathProperty(
      'Folder the producer writes custom offload files into (relative paths are resolved against the pipeline file; Windows paths are accepted). Only the files directly in it are read, never sub-folders.',
      ['D:\\Offload\\Custom', './custom-in'],
    ),
    allowedStreams: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      uniqueItems: true,
      default: [],
      description:
        'Streams a file may name with StreamName or StreamARN (compared exactly as written). A file naming any other stream is quarantined whole with a STREAM_NOT_ALLOWED event. Empty: files must not name a stream, and every record takes the route "custom" (the sink\'s streams.custom).',
      examples: [['orders', 'arn:aws:kinesis:eu-west-1:123456789012:stream/audit']],
    },
    include: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      minItems: 1,
      default: ['*.json', '*.jsonl', '*.ndjson'],
      description: 'File name patterns to read (`*`, `?`; case-insensitive).',
      examples: [['*.json'], ['orders-*.jsonl']],
    },
    ignore: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      default: ['*.tmp', '*.part', '*~'],
      description: 'File name patterns never read (files still being written).',
      examples: [['*.tmp', '*.writing']],
    },
    format: {
      type: 'string',
      enum: ['auto', 'json', 'jsonl'],
      default: 'auto',
      description:
        'auto: files ending in .jsonl or .ndjson are JSON Lines, every other file is one JSON document; json / jsonl: every file is read that way.',
      examples: ['auto'],
    },
    dataEncoding: {
      type: 'string',
      enum: ['auto', 'base64', 'json', 'text'],
      default: 'auto',
      description:
        'How a string Data becomes bytes. base64: must be canonical base64, decoded (non-string Data is rejected). text: the string\'s UTF-8 bytes. json: the compact JSON text of any Data (a string keeps its quotes). auto: a canonical base64 string is decoded, any other string is sent as UTF-8 text. Except in base64 mode, a non-string Data is sent as its compact JSON text. auto is ambiguous (the text "Test" is valid base64): choose base64 when producers always encode.',
      examples: ['base64'],
    },
    maxRecordBytes: {
      type: 'integer',
      minimum: 1,
      maximum: 10 * MIB,
      default: MIB,
      description:
        "Largest record accepted: payload bytes + UTF-8 bytes of the partition key. Larger records are rejected at the source (RECORD_TOO_LARGE) and written to the quarantine; keep it at or below the sink's limit.",
      examples: [MIB],
    },
    ...folderOptionsProperties(CUSTOM_FOLDER_DEFAULTS),
  },
} as const;

/** Options of the `custom` source as `create()` receives them: validated, every default filled. */
export type CustomSourceOptions = FromSchema<typeof customSourceOptionsSchema>;

/** How a string `Data` is turned into payload bytes. */
export type DataEncoding = CustomSourceOptions['dataEncoding'];

/** Which reader a file gets. */
export type FileFormat = CustomSourceOptions['format'];
