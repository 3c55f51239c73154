import { stat } from 'node:fs/promises';
import type { ClaimRegistry } from './ClaimRegistry.js';
import type { Disposal } from './Disposal.js';
import type { FolderCheckpoints } from './FolderCheckpoints.js';
import type { FileEvents } from './fileEvents.js';
import type { FolderFile } from './types.js';

interface Tracked {
  /** The file as it was when its read started. */
  file: FolderFile;
  /** The name a scan found it under since. */
  renamedTo?: FolderFile;
  /** Delivered, but its name was gone and no new one was known: disposed of when a scan finds it. */
  delivered?: { keepWhole: boolean };
}

/**
 * The files being read, by identity (device, inode, size and mtime), so that a file renamed while it is read —
 * same inode, and a rename changes neither size nor mtime — is known under its new name: it is not read (and sent)
 * a second time, and it is archived, deleted or kept under the name it has when its delivery ends. Size and mtime
 * keep a new file that reuses the inode of a deleted one from being taken for it.
 */
export class InProgressIdentities {
  private readonly byIdentity = new Map<string, Tracked>();

  constructor(
    private readonly deps: {
      disposal: Disposal;
      claims: ClaimRegistry;
      checkpoints: FolderCheckpoints;
      events: FileEvents;
    },
  ) {}

  started(file: FolderFile): void {
    const key = identityKey(file);
    if (key !== undefined) this.byIdentity.set(key, { file });
  }

  /** The run of `file` is over; a delivered file still waiting to be found under its new name stays known. */
  ended(file: FolderFile): void {
    const key = identityKey(file);
    const tracked = key === undefined ? undefined : this.byIdentity.get(key);
    if (tracked?.file === file && !tracked.delivered) this.byIdentity.delete(key!);
  }

  /**
   * True when `file` is a new name of a file being read or already delivered, so it must not be read. A delivered
   * one is disposed of now, under this name.
   */
  async isAnotherName(file: FolderFile): Promise<boolean> {
    const key = identityKey(file);
    const tracked = key === undefined ? undefined : this.byIdentity.get(key);
    if (!tracked || tracked.file.relPath === file.relPath) return false;
    if (!tracked.delivered) {
      tracked.renamedTo = file;
      return true;
    }
    await this.disposeRenamed(tracked.file, file, tracked.delivered.keepWhole);
    this.byIdentity.delete(key!);
    return true;
  }

  /**
   * Archives, deletes or keeps a delivered file under the name it has now; true when it stays under its first
   * name. A file whose first name is gone (or names another file now) and whose new name is not known yet is
   * remembered, and disposed of when a scan finds it.
   */
  async afterDelivery(file: FolderFile, keepWhole: boolean): Promise<boolean> {
    const key = identityKey(file);
    const tracked = key === undefined ? undefined : this.byIdentity.get(key);
    if (!tracked || (await isSameFile(file.path, file))) {
      if (key !== undefined) this.byIdentity.delete(key);
      return this.deps.disposal.afterDelivery(file, keepWhole);
    }
    const renamedTo = tracked.renamedTo;
    if (renamedTo && (await isSameFile(renamedTo.path, file))) {
      // Forgotten only once it is moved: a scan meanwhile must still see the new name as taken.
      await this.disposeRenamed(file, renamedTo, keepWhole);
      this.byIdentity.delete(key!);
      return false;
    }
    tracked.delivered = { keepWhole };
    // Deleted (DataMiner's disk cap, an operator) or renamed to a name no scan has seen yet: say so either way.
    this.deps.events.vanished(file);
    this.deps.checkpoints.remove(file.relPath);
    await this.deps.checkpoints.flush();
    return false;
  }

  /** Disposes of the file under its new name; a kept file gets its done marker there. */
  private async disposeRenamed(first: FolderFile, renamedTo: FolderFile, keepWhole: boolean): Promise<false> {
    this.deps.checkpoints.remove(first.relPath);
    const staysInPlace = await this.deps.disposal.afterDelivery(renamedTo, keepWhole);
    const { claims } = this.deps;
    if (staysInPlace && (await claims.tryClaim(renamedTo))) await claims.markDone(renamedTo);
    return false;
  }
}

function identityKey(file: FolderFile): string | undefined {
  // Some file systems report no inode numbers (0): a renamed file cannot be recognised there.
  return file.ino ? `${file.dev}:${file.ino}:${file.size}:${file.mtimeMs}` : undefined;
}

async function isSameFile(path: string, file: FolderFile): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && info.dev === file.dev && info.ino === file.ino;
}
