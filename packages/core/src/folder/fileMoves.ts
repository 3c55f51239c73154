import { constants, copyFile, link, lstat, mkdir, readlink, stat, symlink, unlink } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { OffloaderError } from '../errors.js';
import { fitName } from './fileNames.js';

/**
 * Moves `source` to `<targetRoot>/<subDir>/<name>`, never overwriting: a name already taken gets a `-1`, `-2`,
 * ... suffix before the extension. Uses a hard link (atomic, fails when the name exists) and falls back to an
 * exclusive copy across volumes. Returns the path written.
 */
export async function moveNoClobber(source: string, targetRoot: string, subDir: string, name: string): Promise<string> {
  const dir = subDir ? join(targetRoot, ...subDir.split('/')) : targetRoot;
  await mkdir(dir, { recursive: true });
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
    await unlink(source);
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
    else await copyFile(source, target, constants.COPYFILE_EXCL);
  }
}

async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    const [first, second] = await Promise.all([stat(a), stat(b)]);
    return first.dev === second.dev && first.ino === second.ino;
  } catch {
    return false;
  }
}
