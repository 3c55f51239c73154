import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';

/**
 * The one rule for symbolic links and junctions of every folder source: a file is read only when its real path
 * (links resolved) lies inside the watched folder's real path. A link to a file inside the folder is fine (the
 * scanner reads each file once, by identity); one that leads anywhere else is refused.
 */
export class RootGuard {
  private rootReal?: Promise<string>;

  constructor(private readonly root: string) {}

  /** The real path of `path` when it lies outside the root; undefined when it is inside. */
  async outside(path: string): Promise<string | undefined> {
    this.rootReal ??= realpath(this.root);
    const [root, target] = await Promise.all([this.rootReal, realpath(path)]);
    const fromRoot = relative(root, target);
    const escapes = fromRoot === '..' || fromRoot.startsWith(`..${sep}`) || isAbsolute(fromRoot);
    return escapes ? target : undefined;
  }
}
