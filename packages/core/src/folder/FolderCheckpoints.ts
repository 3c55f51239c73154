import type { CheckpointRecovery, CheckpointStore } from '../checkpoints.js';
import type { Logger } from '../logger.js';
import type { FolderFile, ResumePoint } from './types.js';

/** Progress of one file as stored in the checkpoint. */
export interface FileCheckpoint {
  /** Identity: a new file with the same name but another size or mtime starts from scratch. */
  size: number;
  mtimeMs: number;
  /** Last line of the contiguous acknowledged prefix (0 = nothing yet). */
  line: number;
  /** Byte offset just after `line`, when the decoder reports offsets. */
  offset?: number;
  /** Records in the acknowledged prefix, so record indexes continue after a restart. */
  records: number;
  /** Highest line already written to the `.rejected.csv` output, so a second pass does not repeat rows. */
  rejectedThrough?: number;
  /** Set when the file was fully delivered and kept in place (`afterDelivery: keep`). */
  done?: true;
  /**
   * Rejected rows after `rejectedThrough` could not be written (disk full): the next pass reads the file from the
   * start again, sending no record up to `line`, only to write those rows.
   */
  rewriteRejected?: true;
}

/** Acknowledged records a checkpoint may lag behind before it is written without waiting for the interval. */
export const MAX_RECORDS_BEHIND = 1000;

/** The done list is written at most this often (ms) while fewer than {@link MAX_UNLISTED_DONE} files wait for it. */
export const DONE_LIST_INTERVAL_MS = 5000;
/** Files delivered and kept that may wait in the progress document for the next done-list write. */
export const MAX_UNLISTED_DONE = 200;

/** The checkpoint document of one folder source. */
export interface FolderCheckpointDocument {
  version: 1;
  files: Record<string, FileCheckpoint>;
}

function isCheckpointDocument(value: unknown): value is FolderCheckpointDocument {
  const document = value as Partial<FolderCheckpointDocument> | null;
  if (document?.version !== 1 || typeof document.files !== 'object' || document.files === null) return false;
  return Object.values(document.files).every(
    (entry) =>
      typeof entry === 'object' &&
      entry !== null &&
      Number.isFinite(entry.size) &&
      Number.isFinite(entry.mtimeMs) &&
      Number.isInteger(entry.line) &&
      entry.line >= 0 &&
      Number.isInteger(entry.records) &&
      entry.records >= 0,
  );
}

/** Key of the second document of a folder source: the files delivered and kept in place. */
export function doneListId(sourceId: string): string {
  return `${sourceId}+done`;
}

/**
 * Per-file progress, persisted through the {@link CheckpointStore} (durable writes, one previous generation kept).
 * Writes are throttled to one per `intervalMs` (or sooner once `MAX_RECORDS_BEHIND` records pile up) and never
 * overlap: while one is on its way to the disk, later changes are coalesced into the next. `flush()` writes at
 * once (file finished, stop). In dry-run nothing is persisted.
 *
 * Files delivered and kept in place (`done`) live in a second document: with `afterDelivery: keep` thousands of
 * them pile up, and the progress document is written every 1,000 records, so carrying them there made every write,
 * and a backlog of small files, grow with the number of files kept. Rewriting that list whenever a file finishes
 * would do the same per file, so it is written at most every `doneListIntervalMs` (or once
 * {@link MAX_UNLISTED_DONE} files wait); until then a finished file's entry stays in the progress document.
 */
export class FolderCheckpoints {
  private entries = new Map<string, FileCheckpoint>();
  private timer?: NodeJS.Timeout;
  private dirty = false;
  /** The done list changed since it was last written. */
  private doneChanged = false;
  /** Done files the stored done list does not hold yet: they stay in the progress document until it does. */
  private readonly unlisted = new Set<string>();
  private doneListWrittenAt = 0;
  private recordsBehind = 0;
  private writing: Promise<void> = Promise.resolve();
  /** The write waiting for the one in flight, if any: later flushes join it instead of queueing more. */
  private queued?: Promise<void>;

  constructor(
    private readonly store: CheckpointStore,
    private readonly options: {
      sourceId: string;
      intervalMs: number;
      /** Default {@link DONE_LIST_INTERVAL_MS}. */
      doneListIntervalMs?: number;
      persist: boolean;
      logger: Logger;
      /** Runs before each write (e.g. flush output the checkpoint vouches for). */
      beforeWrite?: () => Promise<void>;
      /** Last say on what is stored for a file, once `beforeWrite` ran (e.g. what output really reached disk). */
      persisted?: (relPath: string, entry: FileCheckpoint) => FileCheckpoint;
      /**
       * A stored document was damaged. `progress`: `inProgress` files of the generation used resume from earlier
       * lines; `done`: the list of files delivered and kept in place fell back.
       */
      onRecovered?: (recovery: CheckpointRecovery, inProgress: number, part: 'progress' | 'done') => void;
      /** A write failed (it is retried with the next one); e.g. the state disk is full. */
      onWriteFailed?: (error: unknown) => void;
    },
  ) {}

  async load(): Promise<void> {
    const recoveries: [CheckpointRecovery, 'progress' | 'done'][] = [];
    const load = (id: string, part: 'progress' | 'done') =>
      this.store.load<FolderCheckpointDocument>(id, {
        accept: isCheckpointDocument,
        onRecovered: (recovery) => recoveries.push([recovery, part]),
      });
    const progress = await load(this.options.sourceId, 'progress');
    const done = await load(doneListId(this.options.sourceId), 'done');
    this.entries = mergeDocuments(progress, done);
    // Done entries of a progress document written before the split move to the done list at the next write.
    for (const [key, entry] of Object.entries(progress?.files ?? {})) {
      if (!entry.done || done?.files[key]) continue;
      this.unlisted.add(key);
      this.doneChanged = true;
    }
    for (const [recovery, part] of recoveries) {
      const inProgress = [...this.entries.values()].filter((entry) => !entry.done).length;
      this.options.onRecovered?.(recovery, inProgress, part);
    }
  }

  /** The stored progress of `file`, or undefined when the file is new (or a different file with the same name). */
  get(file: FolderFile): FileCheckpoint | undefined {
    const entry = this.entries.get(file.relPath);
    if (!entry) return undefined;
    if (entry.size !== file.size || entry.mtimeMs !== file.mtimeMs) {
      this.remove(file.relPath);
      return undefined;
    }
    return entry;
  }

  resumePoint(file: FolderFile): ResumePoint {
    const entry = this.get(file);
    return entry ? { line: entry.line, offset: entry.offset } : { line: 0, offset: 0 };
  }

  /**
   * Sets the progress of `file` (creating the entry) and schedules a write. `committed` records newly acknowledged:
   * once `MAX_RECORDS_BEHIND` pile up the write happens at once, so what a crash re-sends stays bounded however
   * fast records are delivered (not only by the write interval).
   */
  update(file: FolderFile, change: Partial<FileCheckpoint>, committed = 0): void {
    const entry = this.entries.get(file.relPath) ?? { size: file.size, mtimeMs: file.mtimeMs, line: 0, records: 0 };
    if (entry.done || change.done) this.doneChanged = true;
    if (change.done && !entry.done) this.unlisted.add(file.relPath);
    Object.assign(entry, change);
    this.entries.set(file.relPath, entry);
    this.recordsBehind += committed;
    if (this.recordsBehind >= MAX_RECORDS_BEHIND && this.options.persist) {
      this.dirty = true;
      void this.flush();
      return;
    }
    this.markDirty();
  }

  remove(relPath: string): void {
    const entry = this.entries.get(relPath);
    if (!entry) return;
    this.entries.delete(relPath);
    this.unlisted.delete(relPath);
    if (entry.done) this.doneChanged = true;
    this.markDirty();
  }

  /** Forgets files that are gone from the folder (archived by another instance, deleted by hand). */
  retain(present: ReadonlySet<string>, active: ReadonlySet<string>): void {
    for (const key of this.entries.keys()) {
      if (!present.has(key) && !active.has(key)) this.remove(key);
    }
  }

  /**
   * Writes the current state. At most one write is in flight and one queued behind it: however often this is
   * called while a write is slow (fsync, a busy disk), the queued write takes the state of the moment it starts,
   * so writes never pile up and the last flush still returns only once its state is on disk.
   */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty || !this.options.persist) {
      this.dirty = false;
      return this.queued ?? this.writing;
    }
    if (this.queued) return this.queued;
    const queued = this.writing.then(() => {
      this.queued = undefined;
      return this.write();
    });
    this.queued = queued;
    this.writing = queued;
    return queued;
  }

  private async write(): Promise<void> {
    this.dirty = false;
    this.recordsBehind = 0;
    const now = Date.now();
    const writeDone =
      this.doneChanged &&
      (now - this.doneListWrittenAt >= (this.options.doneListIntervalMs ?? DONE_LIST_INTERVAL_MS) ||
        this.unlisted.size >= MAX_UNLISTED_DONE);
    if (writeDone) this.doneChanged = false;
    const listed = writeDone ? new Set(this.unlisted) : undefined;
    const { beforeWrite, persisted, sourceId } = this.options;
    try {
      await beforeWrite?.();
      // The documents are taken after beforeWrite, so they vouch only for output that is on disk.
      const progress: FolderCheckpointDocument = { version: 1, files: {} };
      const done: FolderCheckpointDocument = { version: 1, files: {} };
      for (const [key, entry] of this.entries) {
        if (entry.done && !writeDone && !this.unlisted.has(key)) continue;
        const document = entry.done && writeDone ? done : progress;
        document.files[key] = persisted ? persisted(key, { ...entry }) : { ...entry };
      }
      // The done list first: a file leaves the progress document only once the done list holds it.
      if (writeDone) {
        await this.store.save(doneListId(sourceId), done);
        this.doneListWrittenAt = now;
        for (const key of listed ?? []) this.unlisted.delete(key);
      }
      await this.store.save(sourceId, progress);
    } catch (error) {
      this.dirty = true;
      if (writeDone) this.doneChanged = true;
      this.options.logger.error({ err: error, source: sourceId }, 'checkpoint write failed');
      this.options.onWriteFailed?.(error);
    }
  }

  private markDirty(): void {
    this.dirty = true;
    if (this.timer || !this.options.persist) return;
    this.timer = setTimeout(() => void this.flush(), this.options.intervalMs);
    this.timer.unref();
  }
}

/**
 * Both documents as one map. A file in both (the done list was written, the progress document not yet) is done
 * when the two agree on the file's identity; otherwise the progress document, written after, is the newer.
 */
function mergeDocuments(
  progress: FolderCheckpointDocument | undefined,
  done: FolderCheckpointDocument | undefined,
): Map<string, FileCheckpoint> {
  const entries = new Map(Object.entries(progress?.files ?? {}));
  for (const [key, entry] of Object.entries(done?.files ?? {})) {
    const current = entries.get(key);
    if (!current || (current.size === entry.size && current.mtimeMs === entry.mtimeMs)) entries.set(key, entry);
  }
  return entries;
}

/** Every file entry of a folder source as stored (`offloader status`); damaged documents count as empty. */
export async function readFolderCheckpoint(
  store: CheckpointStore,
  sourceId: string,
): Promise<Record<string, FileCheckpoint>> {
  const read = (id: string) => store.load<FolderCheckpointDocument>(id, { accept: isCheckpointDocument });
  return Object.fromEntries(mergeDocuments(await read(sourceId), await read(doneListId(sourceId))));
}

/** Forgets both documents of a folder source (`offloader reset`). */
export async function removeFolderCheckpoint(store: CheckpointStore, sourceId: string): Promise<void> {
  await store.remove(sourceId);
  await store.remove(doneListId(sourceId));
}
