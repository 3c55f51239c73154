import { randomUUID } from 'node:crypto';
import { constants, copyFile, link, lstat, readlink, stat, symlink, unlink } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { ensureDirectory, syncDirectory, syncFile } from '../durable.js';
import { OffloaderError } from '../errors.js';
import { fitName } from './fileNames.js';

/**
 * Moves `source` to `<targetRoot>/<subDir>/<name>`, never overwriting: a name already taken gets a `-1`, `-2`,
 * ... suffix before the extension. Uses a hard link (atomic, fails when the name exists) and falls back to an
 * exclusive copy across volumes. The new name (and a copy's data) is on disk before the original is removed, and
 * the removal is on disk before this returns, so a power cut can leave two names of the file, never none.
 * Returns the path written.
 */
export async function moveNoClobber(source: string, targetRoot: string, subDir: string, name: string): Promise<string> {
  const dir = subDir ? join(targetRoot, ...subDir.split('/')) : targetRoot;
  const created = await ensureDirectory(dir);
  if (created) await syncCreatedFolders(dir, created);
  const extension = extname(name);
  const stem = name.slice(0, name.length - extension.length);
  for (let attempt = 0; attempt < 10_000; attempt++) {
    // A name at the file system's limit has no room for `-1`: the numbered names are shortened as needed.
    const target = join(dir, attempt === 0 ? name : fitName(stem, `-${attempt}${extension}`, 255));
    try {
      await placeNoClobber(source, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A crash between link() and unlink() left the target as a second name of this very file: finish that move.
      if (!(await sameFile(source, target))) continue;
    }
    // A hard link shares the data with the original, which its writer may never have flushed.
    await syncFile(target).catch(() => undefined);
    await syncDirectory(dir);
    await unlink(source);
    await syncDirectory(dirname(source));
    return target;
  }
  throw new OffloaderError('FILE_IO', `no free name for ${name} in ${dir}`, { file: join(dir, name) });
}

async function placeNoClobber(source: string, target: string): Promise<void> {
  try {
    await link(source, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOENT') throw error;
    // Different volume or a file system without hard links. A symbolic link is moved as a link: copying would
    // put a copy of its target (maybe outside the watched folder) in the archive or quarantine.
    if ((await lstat(source)).isSymbolicLink()) await symlink(await readlink(source), target);
    else await copyNoClobber(source, target);
  }
}

/**
 * Different volume or a file system without hard links: copy under a temporary name, flush it, then give it the
 * target name without overwriting. A crash or a full disk mid-copy never leaves a partial file under the target
 * name (an interrupted copy's temporary file is removed when the copy fails, or stays as `.<name>.*.part`).
 */
async function copyNoClobber(source: string, target: string): Promise<void> {
  const temp = join(dirname(target), `.${randomUUID().slice(0, 8)}.offloader.part`);
  try {
    await copyFile(source, temp, constants.COPYFILE_EXCL);
    await syncFile(temp);
    try {
      await link(temp, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error;
      // No hard links on the target volume either: an exclusive copy is the best left.
      await copyFile(temp, target, constants.COPYFILE_EXCL);
      await syncFile(target);
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function syncCreatedFolders(dir: string, created: string): Promise<void> {
  for (let at = dir; at.length >= created.length; at = dirname(at)) await syncDirectory(dirname(at));
}

async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    const [first, second] = await Promise.all([stat(a), stat(b)]);
    return first.dev === second.dev && first.ino === second.ino;
  } catch {
    return false;
  }
}
