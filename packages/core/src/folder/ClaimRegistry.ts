import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parseState, type StateDamage, writeFileDurably } from '../durable.js';
import { fitName } from './fileNames.js';
import { CLAIMS_DIR, type FolderFile } from './types.js';

export interface ClaimBody {
  pid: number;
  host: string;
  time: string;
  source: string;
  file: string;
  /** Set when the file was delivered but stays in place (`keep`, a failed move): the identity it had then. */
  done?: string;
}

/**
 * A claim that does not parse was cut by a power cut or a disk fault (claims appear whole, see `create`), or is a
 * claim of the fallback path whose writer has not written it yet: after this long, it is taken over.
 */
export const DAMAGED_CLAIM_GRACE_MS = 2000;

/** A claim or done marker that was damaged and taken over. */
export interface ClaimRecovery {
  file: string;
  damage: StateDamage;
}

function isClaimBody(value: unknown): value is ClaimBody {
  const body = value as Partial<ClaimBody> | null;
  return typeof body === 'object' && body !== null && typeof body.pid === 'number' && typeof body.host === 'string';
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
 * again. A damaged claim or marker (empty, cut short, not a claim) is taken over after a short grace, and
 * reported: it costs a re-read from the checkpoint, never a stuck file. In dry-run, claims live in memory only.
 */
export class ClaimRegistry {
  private readonly held = new Set<string>();
  private readonly doneMarkers = new Set<string>();
  private readonly dir: string;
  private readonly host = hostname();
  private refreshTimer?: NodeJS.Timeout;

  constructor(
    root: string,
    private readonly options: {
      sourceId: string;
      staleMs: number;
      dryRun: boolean;
      now: () => number;
      onRecovered?: (recovery: ClaimRecovery) => void;
    },
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
    if (await this.createInDir(path, file.relPath)) return true;
    if (!(await this.takeOverStale(path, file))) return false;
    return this.create(path, file.relPath);
  }

  /** Turns our claim into a done marker: the file stays in place but must never be sent again by anyone. */
  async markDone(file: FolderFile): Promise<void> {
    if (this.options.dryRun || !this.held.delete(file.relPath)) return;
    const path = this.pathOf(file.relPath);
    const body: ClaimBody = { ...this.body(file.relPath), done: fileIdentity(file) };
    // Durable: after a power cut a lost marker would send the whole kept file again.
    await writeFileDurably(path, JSON.stringify(body));
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

  /** {@link create}, making the claims folder when it is missing (first claim, or someone deleted it). */
  private async createInDir(path: string, relPath: string): Promise<boolean> {
    try {
      return await this.create(path, relPath);
    } catch (error) {
      // Not a mkdir per claim: one awaited round trip less for every file of a backlog.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(this.dir, { recursive: true });
      return this.create(path, relPath);
    }
  }

  /**
   * Creates the claim whole: the body is written to a temporary file that is then hard-linked to the claim's name
   * (atomic, fails when the name exists), so a killed process never leaves an empty claim that others must wait
   * out. Where hard links are not supported, falls back to an exclusive create and write.
   */
  private async create(path: string, relPath: string): Promise<boolean> {
    const text = JSON.stringify(this.body(relPath));
    const temp = `${path}.${randomUUID()}.tmp`;
    try {
      await writeFile(temp, text);
      await link(temp, path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
      return this.createWithoutLink(path, relPath, text);
    } finally {
      await unlink(temp).catch(() => undefined);
    }
    this.held.add(relPath);
    return true;
  }

  private async createWithoutLink(path: string, relPath: string, text: string): Promise<boolean> {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(text);
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
  private async takeOverStale(path: string, file: FolderFile, waited = false): Promise<boolean> {
    let text: string;
    let mtimeMs: number;
    try {
      text = await readFile(path, 'utf8');
      mtimeMs = (await stat(path)).mtimeMs;
    } catch {
      return true; // released meanwhile
    }
    const parsed = parseState(text, isClaimBody);
    const damaged = 'damage' in parsed;
    const age = Date.now() - mtimeMs;
    if (damaged && age <= DAMAGED_CLAIM_GRACE_MS) {
      // Wait the short grace out here rather than skip the file: a `--once` run would otherwise leave it behind.
      if (waited) return false;
      await new Promise((resolve) => setTimeout(resolve, DAMAGED_CLAIM_GRACE_MS - Math.max(0, age) + 20));
      return this.takeOverStale(path, file, true);
    }
    if (!damaged && !this.isStale(parsed.value, mtimeMs, file)) return false;
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
    if (damaged) this.options.onRecovered?.({ file: path, damage: parsed.damage });
    return true;
  }

  private isStale(body: ClaimBody, mtimeMs: number, file: FolderFile): boolean {
    // A done marker outlives its writer: it goes stale only when the file under that name changed.
    if (body.done !== undefined) return body.done !== fileIdentity(file);
    // File times are wall-clock times, so compare them with the wall clock, not the injected one.
    if (Date.now() - mtimeMs > this.options.staleMs) return true;
    return body.host === this.host && !isAlive(body.pid);
  }

  private pathOf(relPath: string): string {
    return join(this.dir, claimFileName(relPath));
  }
}

/** Name of the claim (or done marker) of a file, inside `<root>/.offloader-claims`; long names are hashed. */
export function claimFileName(relPath: string): string {
  return fitName(encodeURIComponent(relPath), '.claim');
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
