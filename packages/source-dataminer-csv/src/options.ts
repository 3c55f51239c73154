import {
  type FolderOptionDefaults,
  type FromSchema,
  folderOptionsProperties,
  folderPathProperty,
} from '@offloader/core';
import { type DataminerKind, DEFAULT_COLUMNS, DEFAULT_DIRS, DEFAULT_DOCUMENT_TYPES, KINDS } from './columns.js';

/** Spec defaults (§1, §8): poll 10 s, settle 5 s, delete after delivery, failures to `<path>/Failed`. */
export const DATAMINER_FOLDER_DEFAULTS: FolderOptionDefaults = {
  pollIntervalMs: 10000,
  settleMs: 5000,
  afterDelivery: 'delete',
  archiveDir: '_archive',
  quarantineDir: 'Failed',
};

const patterns = (description: string, fallback: string[]) =>
  ({
    type: 'array',
    items: { type: 'string', minLength: 1 },
    description,
    default: fallback,
    examples: [fallback],
  }) as const;

// biome-ignore lint/complexity/noBannedTypes: no extra properties is the common case
function kindSchema<const Extra extends object = {}>(kind: DataminerKind, extra?: Extra) {
  return {
    type: 'object',
    additionalProperties: false,
    description: `Overrides for ${kind} files.`,
    default: {},
    properties: {
      dir: {
        type: 'string',
        description: 'Folder of these files relative to `path` (`.` = the root); matched case-insensitively.',
        default: DEFAULT_DIRS[kind],
        examples: [DEFAULT_DIRS[kind]],
      },
      include: patterns('File name patterns to read (`*`, `?`), case-insensitive.', ['*.csv']),
      ignore: patterns('File name patterns never read (files still being written).', ['*.tmp', '*.part', '*~']),
      columns: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        minItems: 1,
        description:
          'Column names in file order (spec §3, inferred from the offload DB tables). Unknown names are dropped.',
        default: [...DEFAULT_COLUMNS[kind]],
        examples: [[...DEFAULT_COLUMNS[kind]]],
      },
      route: {
        type: 'string',
        minLength: 1,
        description: 'Route of the records (selects the stream).',
        default: kind,
        examples: [kind],
      },
      documentType: {
        type: 'string',
        description: 'DOCUMENT_TYPE of the records.',
        default: DEFAULT_DOCUMENT_TYPES[kind],
        examples: [DEFAULT_DOCUMENT_TYPES[kind]],
      },
      extraFields: {
        type: 'object',
        description: 'Static fields added to every record of this kind (after the mapped fields).',
        default: {},
        examples: [{ SITE: 'Brussels' }],
      },
      ...(extra as Extra),
    },
  } as const;
}

const idMap = (description: string, example: Record<string, string>) =>
  ({
    type: 'object',
    propertyNames: { pattern: '^-?[0-9]+$' },
    additionalProperties: { type: 'string' },
    description,
    default: {},
    examples: [example],
  }) as const;

/** JSON Schema (draft-07) of the options; drives validation, defaults and the generated reference. */
export const optionsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: {
    path: folderPathProperty(
      'Offload root folder (alarms at the root, Data/ and Dataavg/ below). Windows paths accepted; relative paths resolve against the pipeline file.',
      ['C:\\Skyline DataMiner\\System Cache\\Offload', './offload'],
    ),
    kinds: {
      type: 'array',
      items: { enum: [...KINDS] },
      uniqueItems: true,
      minItems: 1,
      description: 'Kinds of files to read.',
      default: [...KINDS],
      examples: [['data', 'alarm']],
    },
    data: kindSchema('data'),
    dataavg: kindSchema('dataavg'),
    alarm: kindSchema('alarm', {
      infoEvents: {
        enum: ['keep', 'drop', 'route'],
        description: 'Information events (Severity 13) in alarm files: keep as alarms, drop, or send to `infoRoute`.',
        default: 'keep',
        examples: ['route'],
      },
      infoRoute: {
        type: 'string',
        description: 'Route of information events when `infoEvents: route`.',
        default: 'info',
        examples: ['info'],
      },
      infoDocumentType: {
        type: 'string',
        description: 'DOCUMENT_TYPE of routed information events.',
        default: 'ALARM',
        examples: ['INFO'],
      },
      mergeOverflowInto: {
        type: 'string',
        description:
          'A row with too many fields (stray delimiter in free text) is repaired by joining the extra fields into this column; `none` rejects it.',
        default: 'none',
        examples: ['UserComment'],
      },
      rcaLevelNull: { enum: [-1, null], description: 'RCALEVEL when rcaLevel is null.', default: -1, examples: [null] },
      creationTimeFallback: {
        enum: ['toa', 'null'],
        description:
          'An empty creationTime takes the TOA (`toa`) or stays null (`null`: CREATIONTIME "" and CREATIONTIME_UNIX null).',
        default: 'toa',
        examples: ['null'],
      },
    }),
    ...folderOptionsProperties(DATAMINER_FOLDER_DEFAULTS),
    encoding: {
      enum: ['utf8', 'utf16le', 'latin1', 'win1252'],
      description: 'Text encoding. A UTF-8 BOM is stripped; a UTF-16LE BOM switches to utf16le whatever is set here.',
      default: 'utf8',
      examples: ['win1252'],
    },
    dialect: {
      type: 'object',
      additionalProperties: false,
      description: 'Row format (spec §2).',
      default: {},
      properties: {
        delimiter: { type: 'string', minLength: 1, description: 'Field delimiter.', default: '\t', examples: [','] },
        quote: {
          enum: ['none', '"'],
          description:
            '`none`: `"` is an ordinary character; `"`: RFC 4180 quoting (fields may hold delimiters, doubled quotes and line breaks).',
          default: 'none',
          examples: ['"'],
        },
        backslashEscapes: {
          type: 'boolean',
          description: 'Undo MySQL-style escapes `\\t \\n \\r \\\\ \\0` in fields.',
          default: false,
          examples: [true],
        },
        hasHeader: {
          type: 'boolean',
          description: 'Skip the first line of each file.',
          default: false,
          examples: [true],
        },
        nullTokens: {
          type: 'array',
          items: { type: 'string' },
          description: 'Field texts that mean null.',
          default: ['', '\\N'],
          examples: [['', '\\N', 'NULL']],
        },
      },
    },
    sourceTimeZone: {
      type: 'string',
      minLength: 1,
      description:
        'Zone of the wall times in the files: `UTC`, `local`, or an IANA name. *_UNIX is computed in it; ISO text keeps the wall time.',
      default: 'UTC',
      examples: ['Europe/Brussels'],
    },
    lookups: {
      type: 'object',
      additionalProperties: false,
      description: 'Id → text tables (spec §4). Entries given here are merged over the shipped tables.',
      default: {},
      properties: {
        enum: idMap('slenumvalues entries (used by SEVERITY, SEVERITY_LEVEL, TYPE, STATUS, SOURCE, USERSTATUS).', {
          '10': 'New Alarm',
        }),
        istatus: idMap('iStatus → ISTATUS_DESC entries.', { '5': 'AVG Trending point (timewindow last 5 minutes)' }),
        overrides: {
          type: 'object',
          propertyNames: { enum: ['SEVERITY', 'SEVERITY_LEVEL', 'TYPE', 'STATUS', 'SOURCE', 'USERSTATUS'] },
          additionalProperties: {
            type: 'object',
            propertyNames: { pattern: '^-?[0-9]+$' },
            additionalProperties: { type: 'string' },
          },
          description: 'Per-field texts that win over the enum table.',
          default: {},
          examples: [{ TYPE: { '10': 'New alarm' } }],
        },
        unknownText: {
          type: 'string',
          description: 'Text of an id missing from the enum table; `{id}` is replaced.',
          default: 'Unknown ({id})',
          examples: ['Unknown ({id})'],
        },
        unknownIstatusText: {
          type: 'string',
          description: 'ISTATUS_DESC of an unknown iStatus; `{id}` is replaced.',
          default: 'Unknown status ({id})',
          examples: ['Unknown status ({id})'],
        },
      },
    },
    elementProperties: {
      type: 'string',
      description:
        'JSON or YAML file mapping element name → object, added as ELEMENT_PROPERTIES to data and dataavg records.',
      examples: ['./element-properties.yaml'],
    },
    extraFields: {
      type: 'object',
      description: 'Static fields added to every record (after the mapped fields).',
      default: {},
      examples: [{ DMA_SITE: 'Ghent' }],
    },
  },
} as const;

/** Options of the `dataminer-csv` source as `create()` receives them: validated, every default filled. */
export type DataminerCsvOptions = FromSchema<typeof optionsSchema>;

/** Per-kind overrides: folder, name patterns, column order, route and DOCUMENT_TYPE. */
export type KindOptions = DataminerCsvOptions['data'];

/** Alarm files: the per-kind overrides and how info events, overflowing rows and empty fields are read. */
export type AlarmOptions = DataminerCsvOptions['alarm'];

export type DialectOptions = DataminerCsvOptions['dialect'];

export type LookupOptions = DataminerCsvOptions['lookups'];
