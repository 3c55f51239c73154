import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OffloaderError } from './errors.js';
import { fitName } from './folder/fileNames.js';

/**
 * Durable progress of sources: one JSON document per source id, written atomically (temp file + rename),
 * so a crash leaves either the old or the new checkpoint, never a torn one.
 */
export interface CheckpointStore {
  load<T>(sourceId: string): Promise<T | undefined>;
  save<T>(sourceId: string, value: T): Promise<void>;
}

export class FileCheckpointStore implements CheckpointStore {
  private readonly writes = new Map<string, Promise<void>>();

  constructor(private readonly dir: string) {}

  async load<T>(sourceId: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.pathOf(sourceId), 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new OffloaderError('CHECKPOINT_IO', `cannot read checkpoint of ${sourceId}: ${(error as Error).message}`, {
        cause: error,
        file: this.pathOf(sourceId),
      });
    }
  }

  save<T>(sourceId: string, value: T): Promise<void> {
    // Writes of one source are serialised so an older state can never overwrite a newer one.
    const previous = this.writes.get(sourceId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.write(sourceId, value));
    this.writes.set(sourceId, next);
    return next;
  }

  private async write<T>(sourceId: string, value: T): Promise<void> {
    const file = this.pathOf(sourceId);
    const temp = `${file}.${process.pid}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(temp, JSON.stringify(value));
      await rename(temp, file);
    } catch (error) {
      throw new OffloaderError('CHECKPOINT_IO', `cannot write checkpoint of ${sourceId}: ${(error as Error).message}`, {
        cause: error,
        file,
      });
    }
  }

  private pathOf(sourceId: string): string {
    return join(this.dir, fitName(sourceId.replace(/[^A-Za-z0-9_.-]/g, '_'), '.json'));
  }
}

/** Keeps checkpoints in memory only: used by `--dry-run`, which must leave no trace. */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly values = new Map<string, unknown>();

  constructor(private readonly seed?: CheckpointStore) {}

  async load<T>(sourceId: string): Promise<T | undefined> {
    if (this.values.has(sourceId)) return this.values.get(sourceId) as T;
    return this.seed?.load<T>(sourceId);
  }

  async save<T>(sourceId: string, value: T): Promise<void> {
    this.values.set(sourceId, structuredClone(value));
  }
}
