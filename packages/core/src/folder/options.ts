import { stat } from 'node:fs/promises';
import { join, posix, resolve, win32 } from 'node:path';
import type { OptionsProblem } from '../registry.js';
import { isForbiddenFolder } from './patterns.js';
import type { AfterDelivery, CompleteRule } from './types.js';

/** The folder-handling options every file source shares, after validation and defaults. */
export interface FolderPluginOptions {
  pollIntervalMs: number;
  watch: boolean;
  complete: { mode: 'stable' | 'rename'; settleMs: number };
  afterDelivery: AfterDelivery;
  archivePath?: string;
  quarantinePath?: string;
  batchSize: number;
  waitForPath: boolean;
}

/** Defaults a source picks for the shared options (spec defaults differ between sources). */
export interface FolderOptionDefaults {
  pollIntervalMs: number;
  settleMs: number;
  afterDelivery: AfterDelivery;
  /** Folder below `path` used when `archivePath` is not set, e.g. `_archive`. */
  archiveDir: string;
  /** Folder below `path` used when `quarantinePath` is not set, e.g. `Failed`. */
  quarantineDir: string;
}

/**
 * JSON Schema of a folder source's `path` option; each plugin says what its folder holds. The shared rules
 * (Windows paths, relative to the pipeline file) are checked by {@link folderPathProblems}.
 */
export function folderPathProperty<Description extends string, Example extends string>(
  description: Description,
  examples: readonly Example[],
) {
  return { type: 'string', minLength: 1, description, examples } as const;
}

/**
 * JSON Schema properties of the shared folder options, so every file source reads the same YAML
 * (`complete: { mode, settleMs }`, `afterDelivery`, …). Spread them into a plugin's own `properties`.
 */
export function folderOptionsProperties(defaults: FolderOptionDefaults) {
  return {
    pollIntervalMs: {
      type: 'integer',
      minimum: 10,
      description: 'Wait between folder scans when no file is ready.',
      default: defaults.pollIntervalMs,
      examples: [2000],
    },
    watch: {
      type: 'boolean',
      description:
        'Scan as soon as the operating system reports a change in the folder (file-system notifications), not only every `pollIntervalMs`; polling stays as the fallback (notifications can be missed on network shares). For low latency: `watch: true` with `complete.mode: rename` or a short `complete.settleMs`, and a short sink `lingerMs`.',
      default: false,
      examples: [true],
    },
    complete: {
      type: 'object',
      additionalProperties: false,
      description:
        'When a file is complete: `stable` = size and mtime unchanged for `settleMs` (and the file opens for reading); `rename` = the writer renames finished files into place (names matching `ignore`, e.g. *.tmp, are still being written).',
      default: {},
      properties: {
        mode: {
          enum: ['stable', 'rename'],
          description: 'File-complete rule.',
          default: 'stable',
          examples: ['rename'],
        },
        settleMs: {
          type: 'integer',
          minimum: 0,
          description: 'Quiet time of the `stable` rule.',
          default: defaults.settleMs,
          examples: [5000],
        },
      },
    },
    afterDelivery: {
      enum: ['archive', 'delete', 'keep'],
      description:
        'What happens to a file once every record was delivered, filtered or rejected (never earlier): moved to `archivePath`, deleted, or kept in place (remembered as done in the checkpoint).',
      default: defaults.afterDelivery,
      examples: ['archive'],
    },
    archivePath: {
      type: 'string',
      minLength: 1,
      description: `Archive folder (kind folders kept below it); not \`path\` itself nor inside it, except below a folder the reader never enters (\`_…\`, \`Failed\`). Default \`<path>/${defaults.archiveDir}\`.`,
      examples: ['D:\\OffloadArchive'],
    },
    quarantinePath: {
      type: 'string',
      minLength: 1,
      description: `Folder for unusable files and \`<file>.rejected.csv\` / \`.rejected.jsonl\` (kind folders kept below it); the same rule as \`archivePath\`. Default \`<path>/${defaults.quarantineDir}\`.`,
      examples: ['D:\\OffloadQuarantine'],
    },
    waitForPath: {
      type: 'boolean',
      description:
        'Start even when `path` does not exist yet and wait for it to appear (e.g. a network share mounted later). Without it a missing folder, or a regular file, is a configuration error (exit 2).',
      default: false,
      examples: [true],
    },
    batchSize: {
      type: 'integer',
      minimum: 1,
      maximum: 10000,
      description: 'Records per batch handed to the pipeline.',
      default: 500,
      examples: [500],
    },
  } as const;
}

/**
 * A folder source's `path` must be an existing folder, unless `waitForPath` says to wait for it.
 * A missing folder cannot heal by waiting in the usual case (a typo), so it fails at start, naming the path.
 */
async function folderExistenceProblems(
  options: { path: string; waitForPath?: boolean },
  baseDir: string,
): Promise<OptionsProblem[]> {
  const path = resolve(baseDir, options.path);
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) return [];
  if (info)
    return [{ pointer: '/path', message: `${path} is a file, not a folder: give the folder the files are written to` }];
  if (options.waitForPath) return [];
  return [
    {
      pointer: '/path',
      message: `folder ${path} does not exist (relative paths resolve against the pipeline file); create it, fix the path, or set waitForPath: true to wait for it`,
    },
  ];
}

/** The FolderSource settings that follow from the shared options; `root` is the resolved `path`. */
export function folderSettingsFrom(options: FolderPluginOptions, root: string, defaults: FolderOptionDefaults) {
  const complete: CompleteRule =
    options.complete.mode === 'rename' ? { mode: 'rename' } : { mode: 'stable', settleMs: options.complete.settleMs };
  return {
    complete,
    pollIntervalMs: options.pollIntervalMs,
    watch: options.watch,
    afterDelivery: options.afterDelivery,
    // Given paths stay as written: the FolderSource resolves them against the pipeline file's folder.
    archivePath: options.archivePath ?? join(root, defaults.archiveDir),
    quarantinePath: options.quarantinePath ?? join(root, defaults.quarantineDir),
    batchSize: options.batchSize,
  };
}

const WINDOWS_ABSOLUTE = /^([A-Za-z]:[\\/]|\\\\)/;

/**
 * `archivePath` and `quarantinePath` must not be the watched folder or a folder inside it that the reader may
 * enter: moved files would be read (and sent) again, in a loop. Inside is fine below a folder the reader never
 * enters (`_…`, `.…`, `Failed`, `failure`), as the defaults are.
 */
export async function folderPathProblems(
  options: { path: string; archivePath?: string; quarantinePath?: string; waitForPath?: boolean },
  baseDir: string,
): Promise<OptionsProblem[]> {
  const problems: OptionsProblem[] = await folderExistenceProblems(options, baseDir);
  for (const field of ['archivePath', 'quarantinePath'] as const) {
    const target = options[field];
    if (target === undefined) continue;
    const windows =
      process.platform === 'win32' || WINDOWS_ABSOLUTE.test(options.path) || WINDOWS_ABSOLUTE.test(target);
    const paths = windows ? win32 : posix;
    const fold = (text: string) => (windows ? text.toLowerCase() : text);
    const root = fold(paths.resolve(baseDir, options.path));
    const relative = paths.relative(root, fold(paths.resolve(baseDir, target)));
    if (relative === '') {
      problems.push({
        pointer: `/${field}`,
        message: `is the watched folder itself ("${options.path}"): moved files would be read again; use a folder beside it`,
      });
      continue;
    }
    const inside = relative !== '..' && !relative.startsWith(`..${paths.sep}`) && !paths.isAbsolute(relative);
    if (inside && !isForbiddenFolder(relative.split(paths.sep)[0])) {
      problems.push({
        pointer: `/${field}`,
        message:
          `"${target}" is inside the watched folder "${options.path}", where moved files could be read again; ` +
          'put it beside that folder, or in a folder the reader never enters (a name starting with "_", or Failed)',
      });
    }
  }
  return problems;
}
