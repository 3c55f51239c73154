import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CLAIMS_DIR, type FolderFile } from './types.js';

interface ClaimBody {
  pid: number;
  host: string;
  time: string;
  source: string;
  file: string;
}

/**
 * Claims files so that two processes (or two sources) on one folder never read the same file. A claim is a
 * lock file created with `open(..., 'wx')` in `<root>/.offloader-claims`, holding pid, host and time; held
 * claims are touched regularly. A claim is stale — and taken over — when its holder's pid is gone on this host,
 * or when it was not touched for `staleMs`. In dry-run, claims live in memory only.
 */
export class ClaimRegistry {
  private readonly held = new Set<string>();
  private readonly dir: string;
  private readonly host = hostname();
  private refreshTimer?: NodeJS.Timeout;

  constructor(
    root: string,
    private readonly options: { sourceId: string; staleMs: number; dryRun: boolean; now: () => number },
  ) {
    this.dir = join(root, CLAIMS_DIR);
  }

  /** True when the file is now ours (or already was). */
  async tryClaim(file: FolderFile): Promise<boolean> {
    if (this.held.has(file.relPath)) return true;
    if (this.options.dryRun) {
      this.held.add(file.relPath);
      return true;
    }
    const path = this.pathOf(file.relPath);
    await mkdir(this.dir, { recursive: true });
    if (await this.create(path, file.relPath)) return true;
    if (!(await this.takeOverStale(path))) return false;
    return this.create(path, file.relPath);
  }

  async release(relPath: string): Promise<void> {
    if (!this.held.delete(relPath) || this.options.dryRun) return;
    await unlink(this.pathOf(relPath)).catch(() => undefined);
  }

  async releaseAll(): Promise<void> {
    this.stopRefreshing();
    await Promise.all([...this.held].map((relPath) => this.release(relPath)));
  }

  isHeld(relPath: string): boolean {
    return this.held.has(relPath);
  }

  /** Touches held claims every third of `staleMs` so other instances see them alive. */
  startRefreshing(): void {
    if (this.options.dryRun || this.refreshTimer) return;
    this.refreshTimer = setInterval(() => void this.refresh(), Math.max(1000, this.options.staleMs / 3));
    this.refreshTimer.unref();
  }

  stopRefreshing(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  private async refresh(): Promise<void> {
    const now = new Date();
    await Promise.all([...this.held].map((relPath) => utimes(this.pathOf(relPath), now, now).catch(() => undefined)));
  }

  private async create(path: string, relPath: string): Promise<boolean> {
    const body: ClaimBody = {
      pid: process.pid,
      host: this.host,
      time: new Date(this.options.now()).toISOString(),
      source: this.options.sourceId,
      file: relPath,
    };
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(JSON.stringify(body));
      } finally {
        await handle.close();
      }
      this.held.add(relPath);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  }

  /**
   * Moves a stale claim aside. The rename is atomic, so of two instances taking over the same claim only one
   * moves it; the content is checked afterwards so a fresh claim moved by mistake is put back.
   */
  private async takeOverStale(path: string): Promise<boolean> {
    let text: string;
    let mtimeMs: number;
    try {
      text = await readFile(path, 'utf8');
      mtimeMs = (await stat(path)).mtimeMs;
    } catch {
      return true; // released meanwhile
    }
    if (!this.isStale(text, mtimeMs)) return false;
    const aside = `${path}.${randomUUID()}.stale`;
    try {
      await rename(path, aside);
    } catch {
      return false;
    }
    const moved = await readFile(aside, 'utf8').catch(() => '');
    if (moved !== text) {
      await rename(aside, path).catch(() => undefined);
      return false;
    }
    await unlink(aside).catch(() => undefined);
    return true;
  }

  private isStale(text: string, mtimeMs: number): boolean {
    // File times are wall-clock times, so compare them with the wall clock, not the injected one.
    if (Date.now() - mtimeMs > this.options.staleMs) return true;
    let body: Partial<ClaimBody>;
    try {
      body = JSON.parse(text) as Partial<ClaimBody>;
    } catch {
      // A torn claim (crash while writing) that is not yet old: wait for the age rule.
      return false;
    }
    return body.host === this.host && typeof body.pid === 'number' && !isAlive(body.pid);
  }

  private pathOf(relPath: string): string {
    return join(this.dir, `${encodeURIComponent(relPath)}.claim`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
