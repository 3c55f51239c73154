import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { isForbiddenFolder, NamePatterns } from './patterns.js';
import { DEFAULT_IGNORE, DEFAULT_INCLUDE, type FolderFile, type FolderKind } from './types.js';

interface CompiledKind {
  kind: FolderKind;
  segments: string[];
  include: NamePatterns;
  ignore: NamePatterns;
}

/**
 * Lists the candidate files of every kind: only the files directly in each kind's folder (never recursing),
 * whose names match `include` and not `ignore`, oldest first by (mtime, name).
 */
export class FolderScanner {
  private readonly kinds: CompiledKind[];
  private foundDirs: string[] = [];

  constructor(
    private readonly root: string,
    kinds: readonly FolderKind[],
  ) {
    this.kinds = kinds.map((kind) => {
      const segments = kind.dir.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.');
      const bad = segments.find((segment) => segment === '..' || isForbiddenFolder(segment));
      if (bad !== undefined) {
        throw new ConfigError('CONFIG_INVALID', [
          {
            file: '(options)',
            path: `kinds.${kind.route}.dir`,
            message: `folder "${kind.dir}" is not allowed: the reader never reads "..", failure/Failed, "_" or "." folders`,
          },
        ]);
      }
      return {
        kind,
        segments,
        include: new NamePatterns(kind.include ?? DEFAULT_INCLUDE),
        ignore: new NamePatterns(kind.ignore ?? DEFAULT_IGNORE),
      };
    });
  }

  /** Every candidate file of every kind, oldest first. A missing kind folder simply yields nothing. */
  async scan(): Promise<FolderFile[]> {
    const seen = new Set<string>();
    const files: FolderFile[] = [];
    const dirs = new Set([this.root]);
    for (const compiled of this.kinds) {
      const dir = await this.findDir(compiled.segments);
      if (dir === undefined) continue;
      dirs.add(join(this.root, ...dir));
      for (const file of await this.listKind(compiled, dir)) {
        if (seen.has(file.relPath)) continue;
        seen.add(file.relPath);
        files.push(file);
      }
    }
    this.foundDirs = [...dirs];
    return readOnce(files).sort(byAge);
  }

  /**
   * The folders the last scan looked in: the root (where missing kind folders would appear) and every kind
   * folder found. These are what a {@link FolderWatcher} watches; folders between root and a nested kind folder
   * are not, so a nested kind folder created later is found by the next poll.
   */
  get folders(): readonly string[] {
    return this.foundDirs;
  }

  /** Resolves the kind's folder segment by segment, case-insensitively; undefined when it does not exist. */
  private async findDir(segments: string[]): Promise<string[] | undefined> {
    const found: string[] = [];
    for (const segment of segments) {
      const entries = await readdirSafe(join(this.root, ...found));
      const wanted = segment.toLowerCase();
      const match =
        entries.find((entry) => entry.isDirectory() && entry.name === segment) ??
        entries.find((entry) => entry.isDirectory() && entry.name.toLowerCase() === wanted);
      if (!match) return undefined;
      found.push(match.name);
    }
    return found;
  }

  private async listKind(compiled: CompiledKind, dirSegments: string[]): Promise<FolderFile[]> {
    const dir = join(this.root, ...dirSegments);
    const kindDir = dirSegments.join('/');
    const candidates = (await readdirSafe(dir)).filter(
      // Hidden files are read like any other: a name is no reason to leave data behind (folders starting with
      // `.` are skipped elsewhere: they hold claims and tool state).
      (entry) => !entry.isDirectory() && compiled.include.matches(entry.name) && !compiled.ignore.matches(entry.name),
    );
    const files: FolderFile[] = [];
    // stat in parallel, a bounded number at a time: a backlog of thousands of files must not scan one by one.
    for (let at = 0; at < candidates.length; at += STAT_CONCURRENCY) {
      const infos = await Promise.all(
        candidates.slice(at, at + STAT_CONCURRENCY).map(async (entry) => {
          const { name } = entry;
          const path = join(dir, name);
          // Gone between readdir and stat (deleted by DataMiner's disk cap, or moved by another instance).
          const info = await stat(path).catch(() => undefined);
          return info?.isFile() ? { name, path, info, isLink: entry.isSymbolicLink() } : undefined;
        }),
      );
      for (const found of infos) {
        if (!found) continue;
        const { name, path, info, isLink } = found;
        files.push({
          path,
          relPath: kindDir ? `${kindDir}/${name}` : name,
          name,
          kindDir,
          kind: compiled.kind,
          size: info.size,
          mtimeMs: info.mtimeMs,
          dev: info.dev,
          ino: info.ino,
          isLink,
        });
      }
    }
    return files;
  }
}

const STAT_CONCURRENCY = 32;

/** Updates size and mtime of `file` in place; false when it is gone. */
export async function refreshStat(file: FolderFile): Promise<boolean> {
  try {
    const info = await stat(file.path);
    file.size = info.size;
    file.mtimeMs = info.mtimeMs;
    return true;
  } catch {
    return false;
  }
}

/**
 * One entry per file: a symbolic link (or a second hard link) to a file already listed is dropped, so its rows
 * are not sent twice. The real name wins over a link; of two real names, the first listed.
 */
function readOnce(files: FolderFile[]): FolderFile[] {
  const byIdentity = new Map<string, FolderFile>();
  const kept: FolderFile[] = [];
  for (const file of files) {
    // Some file systems report no inode numbers (0): nothing to compare then.
    if (!file.ino) {
      kept.push(file);
      continue;
    }
    const key = `${file.dev}:${file.ino}`;
    const earlier = byIdentity.get(key);
    if (!earlier) byIdentity.set(key, file);
    else if (earlier.isLink && !file.isLink) byIdentity.set(key, file);
  }
  return [...kept, ...byIdentity.values()];
}

/** Oldest first: mtime, then name. */
export function byAge(a: FolderFile, b: FolderFile): number {
  return a.mtimeMs - b.mtimeMs || (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0);
}

async function readdirSafe(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
