import { unlink } from 'node:fs/promises';
import type { ClaimRegistry } from './ClaimRegistry.js';
import { fileIdentity } from './ClaimRegistry.js';
import type { FolderCheckpoints } from './FolderCheckpoints.js';
import type { FileEvents } from './fileEvents.js';
import { moveNoClobber } from './fileMoves.js';
import type { StorageGuard } from './StorageGuard.js';
import type { AfterDelivery, FolderFile } from './types.js';

/**
 * What happens to a delivered file: archived, deleted or kept (and remembered as done). A file that cannot be
 * moved stays in place, done, so it is never sent again; when the archive only lacked space or was read-only, the
 * move is tried again once the archive takes writes.
 */
export class Disposal {
  /** Delivered files whose archive move failed because the archive took no writes. */
  private readonly pendingMoves = new Map<string, FolderFile>();

  constructor(
    private readonly deps: {
      afterDelivery: AfterDelivery;
      dryRun: boolean;
      archivePath?: string;
      quarantinePath: string;
      checkpoints: FolderCheckpoints;
      claims: ClaimRegistry;
      events: FileEvents;
      storage: StorageGuard;
      /** Files done in this process that are still in the folder, with their identity. */
      finished: Map<string, string>;
    },
  ) {}

  /**
   * Archives, deletes or keeps a delivered file; true when it is still in the folder afterwards. `keepWhole`: a
   * rejected row's text exists only in the file, so delete mode moves it to quarantine instead.
   */
  async afterDelivery(file: FolderFile, keepWhole = false): Promise<boolean> {
    const { afterDelivery: mode, checkpoints, finished } = this.deps;
    if (this.deps.dryRun) {
      finished.set(file.relPath, fileIdentity(file));
      return true;
    }
    let staysInPlace = mode === 'keep';
    try {
      if (mode === 'archive') await moveNoClobber(file.path, this.deps.archivePath!, file.kindDir, file.name);
      else if (mode === 'delete' && keepWhole) {
        const movedTo = await moveNoClobber(file.path, this.deps.quarantinePath, file.kindDir, file.name);
        this.deps.events.keptWhole(file, movedTo);
      } else if (mode === 'delete') await unlink(file.path);
      if (mode === 'keep') {
        checkpoints.update(file, { done: true });
        finished.set(file.relPath, fileIdentity(file));
      } else {
        checkpoints.remove(file.relPath);
      }
    } catch (error) {
      // Delivered but still in place: remember it as done so it is never sent again, also after a restart.
      staysInPlace = true;
      checkpoints.update(file, { done: true });
      finished.set(file.relPath, fileIdentity(file));
      if (mode === 'archive' && this.deps.storage.noteFailure('archive', this.deps.archivePath!, error))
        this.pendingMoves.set(file.relPath, file);
      else this.deps.events.fileIoFailed(file, `delivered, but cannot ${mode} it: ${(error as Error).message}`);
    }
    // No checkpoint write of its own (it goes with the next coalesced one): a file that is gone is pruned from the
    // checkpoint at the next start anyway, and one that stays gets a durable done marker next. Waiting here cost a
    // synced write per file, a third of the time of a backlog of DataMiner's 10,000-row files.
    return staysInPlace;
  }

  /**
   * Moves a file that can never be delivered to quarantine; when that fails it stays in place, done, so it is
   * not read again. Returns where it went (undefined: still in place, or a dry run).
   */
  async quarantine(file: FolderFile): Promise<string | undefined> {
    let movedTo: string | undefined;
    if (!this.deps.dryRun) {
      try {
        movedTo = await moveNoClobber(file.path, this.deps.quarantinePath, file.kindDir, file.name);
        this.deps.checkpoints.remove(file.relPath);
      } catch (error) {
        this.deps.events.fileIoFailed(file, `cannot move to quarantine: ${(error as Error).message}`);
      }
    }
    if (!movedTo) {
      this.deps.finished.set(file.relPath, fileIdentity(file));
      await this.deps.claims.markDone(file);
    }
    return movedTo;
  }

  /** Moves the files that waited for the archive to take writes again (stops when it is blocked again). */
  async retryPendingMoves(): Promise<void> {
    const { checkpoints, claims, events, storage, finished } = this.deps;
    for (const [relPath, file] of this.pendingMoves) {
      try {
        await moveNoClobber(file.path, this.deps.archivePath!, file.kindDir, file.name);
      } catch (error) {
        if (storage.noteFailure('archive', this.deps.archivePath!, error)) return;
        // Another problem than space: the file stays in place, done, as any file whose move failed.
        this.pendingMoves.delete(relPath);
        events.fileIoFailed(file, `delivered, but cannot archive it: ${(error as Error).message}`);
        continue;
      }
      this.pendingMoves.delete(relPath);
      finished.delete(relPath);
      checkpoints.remove(relPath);
      await claims.forgetDone(relPath);
    }
    await checkpoints.flush();
  }
}
