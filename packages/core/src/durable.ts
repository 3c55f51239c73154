import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes that must survive a power cut, not only a killed process. A rename is atomic for processes, but after a
 * power cut the file system may show the new name with no data, or the old name again, unless the data was
 * flushed (fsync) before the rename and the directory entry after it. See docs/durability.md for which writes
 * use these and what they cost.
 */

/** Suffix of the previous generation kept beside a state file written by {@link writeGenerations}. */
export const PREVIOUS_SUFFIX = '.prev';

/** Directory fsync is not possible on Windows (a directory cannot be opened for writing); NTFS journals entries. */
const CAN_SYNC_DIRECTORIES = process.platform !== 'win32';

/**
 * `mkdir -p` that tells why it failed: Node reports ENOENT when a recursive mkdir is refused by a read-only or full
 * disk, which would hide "disk full" behind "no such file". Returns the first folder created, like `mkdir`.
 */
export async function ensureDirectory(dir: string): Promise<string | undefined> {
  try {
    return await mkdir(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    let missing = dir;
    while (dirname(missing) !== missing && !(await exists(dirname(missing)))) missing = dirname(missing);
    // Throws the real reason (EROFS, ENOSPC, EACCES) when the disk refuses the first missing folder.
    await mkdir(missing);
    return mkdir(dir, { recursive: true }).then((created) => created ?? missing);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Flushes the data of `path` to the disk. Opened for writing because Windows refuses to flush a read-only handle. */
export async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Flushes the entries of directory `dir` (a new, renamed or removed name) to the disk. A no-op on Windows, and on
 * file systems that refuse to sync a directory (EINVAL, ENOTSUP: some network and FUSE file systems).
 */
export async function syncDirectory(dir: string): Promise<void> {
  if (!CAN_SYNC_DIRECTORIES) return;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(dir, 'r');
  } catch (error) {
    if (isUnsupported(error)) return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!isUnsupported(error)) throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` with `data` so that after a crash or power cut it holds either the old or the new content:
 * temp file → fsync → rename → fsync of the directory. With `keepPrevious`, the replaced content stays as
 * `<path>.prev`, so a damaged current generation can fall back to the one before it.
 */
export async function writeFileDurably(
  path: string,
  data: string | Uint8Array,
  options: { keepPrevious?: boolean } = {},
): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomUUID().slice(0, 8)}.tmp`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    // A crash between these two renames leaves no current file but a good `.prev`: readGenerations falls back.
    if (options.keepPrevious) await rename(path, `${path}${PREVIOUS_SUFFIX}`).catch(ignoreMissing);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** What was wrong with a state file that could not be used as it was. */
export type StateDamage = 'missing' | 'empty' | 'truncated' | 'unparsable' | 'invalid';

/** A state file read back after a crash: what was used, and what was wrong with the newer generation(s). */
export interface GenerationRead<T> {
  value?: T;
  /** `current`, `previous` (the `.prev` file), or `none` (start from nothing). */
  used: 'current' | 'previous' | 'none';
  /** Damage of the current file, when it was not used. */
  damage?: StateDamage;
  /** Damage of the previous generation, when it was tried and not used. */
  previousDamage?: StateDamage;
}

/**
 * Reads a JSON state file written by {@link writeFileDurably} with `keepPrevious`: the current generation when
 * it parses and `accept`s, else the previous one, else nothing. Only a read error other than "missing" (e.g.
 * permission denied) throws: damage never does, so a power cut can cost a re-send, never a manual restart.
 */
export async function readGenerations<T>(
  path: string,
  accept: (value: unknown) => value is T,
): Promise<GenerationRead<T>> {
  const current = await readJson(path, accept);
  if ('value' in current) return { value: current.value, used: 'current' };
  const previous = await readJson(`${path}${PREVIOUS_SUFFIX}`, accept);
  if ('value' in previous) return { value: previous.value, used: 'previous', damage: current.damage };
  // Neither exists: a fresh state, nothing was lost.
  if (current.damage === 'missing' && previous.damage === 'missing') return { used: 'none' };
  return { used: 'none', damage: current.damage, previousDamage: previous.damage };
}

async function readJson<T>(
  path: string,
  accept: (value: unknown) => value is T,
): Promise<{ value: T } | { damage: StateDamage }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { damage: 'missing' };
    throw error;
  }
  return parseState(text, accept);
}

/** Classifies the text of a JSON state file: usable, or how it is damaged. */
export function parseState<T>(
  text: string,
  accept: (value: unknown) => value is T,
): { value: T } | { damage: StateDamage } {
  if (text.trim() === '' || /^\0+$/.test(text)) return { damage: 'empty' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // A document cut short ends before its closing brace; anything else that does not parse is garbage.
    return { damage: looksTruncated(text) ? 'truncated' : 'unparsable' };
  }
  return accept(value) ? { value } : { damage: 'invalid' };
}

function looksTruncated(text: string): boolean {
  const trimmed = text.trimEnd();
  return trimmed.startsWith('{') && !trimmed.endsWith('}');
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}

function isUnsupported(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EINVAL' || code === 'ENOTSUP' || code === 'EISDIR' || code === 'EPERM' || code === 'EACCES';
}

/**
 * Whether `error` (or its cause) means "this folder takes no more writes now" — disk full, read-only, over quota,
 * or made read-only by its permissions — rather than a problem with one file. Such a condition heals by waiting.
 */
export function isStorageUnwritable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EROFS' || code === 'EDQUOT' || code === 'EACCES') return true;
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return cause !== undefined && cause !== error && isStorageUnwritable(cause);
}
