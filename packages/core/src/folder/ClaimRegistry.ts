import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fitName } from './fileNames.js';
import { CLAIMS_DIR, type FolderFile } from './types.js';

interface ClaimBody {
  pid: number;
  host: string;
  time: string;
  source: string;
  file: string;
  /** Set when the file was delivered but stays in place (`keep`, a failed move): the identity it had then. */
  done?: string;
}

/** What tells two versions of a file with the same name apart. */
export function fileIdentity(file: Pick<FolderFile, 'size' | 'mtimeMs'>): string {
  return `${file.size}:${file.mtimeMs}`;
}

/**
 * Claims files so that two processes (or two sources) on one folder never read the same file. A claim is a
 * lock file created with `open(..., 'wx')` in `<root>/.offloader-claims`, holding pid, host and time; held
 * claims are touched regularly. A claim is stale — and taken over — when its holder's pid is gone on this host,
 * or when it was not touched for `staleMs`. A file delivered but left in place keeps its claim as a *done marker*
 * (with the file's identity), so no other instance sends it again; only a changed file (new identity) is claimable
 * again. In dry-run, claims live in memory only.
 */
export class ClaimRegistry {
  private readonly held = new Set<string>();
  private readonly doneMarkers = new Set<string>();
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
    if (!(await this.takeOverStale(path, file))) return false;
    return this.create(path, file.relPath);
  }

  /** Turns our claim into a done marker: the file stays in place but must never be sent again by anyone. */
  async markDone(file: FolderFile): Promise<void> {
    if (this.options.dryRun || !this.held.delete(file.relPath)) return;
    const path = this.pathOf(file.relPath);
    const body: ClaimBody = { ...this.body(file.relPath), done: fileIdentity(file) };
    const temp = `${path}.${randomUUID()}.tmp`;
    await writeFile(temp, JSON.stringify(body));
    await rename(temp, path);
    this.doneMarkers.add(file.relPath);
  }

  /** The file is gone: its done marker (if this instance wrote it) is no longer needed. */
  async forgetDone(relPath: string): Promise<void> {
    if (!this.doneMarkers.delete(relPath)) return;
    await unlink(this.pathOf(relPath)).catch(() => undefined);
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

  private body(relPath: string): ClaimBody {
    return {
      pid: process.pid,
      host: this.host,
      time: new Date(this.options.now()).toISOString(),
      source: this.options.sourceId,
      file: relPath,
    };
  }

  private async create(path: string, relPath: string): Promise<boolean> {
    const body = this.body(relPath);
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
  private async takeOverStale(path: string, file: FolderFile): Promise<boolean> {
    let text: string;
    let mtimeMs: number;
    try {
      text = await readFile(path, 'utf8');
      mtimeMs = (await stat(path)).mtimeMs;
    } catch {
      return true; // released meanwhile
    }
    if (!this.isStale(text, mtimeMs, file)) return false;
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

  private isStale(text: string, mtimeMs: number, file: FolderFile): boolean {
    let body: Partial<ClaimBody> | undefined;
    try {
      body = JSON.parse(text) as Partial<ClaimBody>;
    } catch {
      body = undefined;
    }
    // A done marker outlives its writer: it goes stale only when the file under that name changed.
    if (body?.done !== undefined) return body.done !== fileIdentity(file);
    // File times are wall-clock times, so compare them with the wall clock, not the injected one.
    if (Date.now() - mtimeMs > this.options.staleMs) return true;
    // A torn claim (crash while writing) that is not yet old: wait for the age rule.
    if (!body) return false;
    return body.host === this.host && typeof body.pid === 'number' && !isAlive(body.pid);
  }

  private pathOf(relPath: string): string {
    return join(this.dir, fitName(encodeURIComponent(relPath), '.claim'));
  }
}

/** Whether a process with this pid runs on this host. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
