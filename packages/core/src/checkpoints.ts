import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OffloaderError } from './errors.js';

/**
 * Durable progress of sources: one JSON document per source id, written atomically (temp file + rename),
 * so a crash leaves either the old or the new checkpoint, never a torn one.
 */
export interface CheckpointStore {
  load<T>(sourceId: string): Promise<T | undefined>;
  save<T>(sourceId: string, value: T): Promise<void>;
  /** Forgets the checkpoint of a source (`offloader reset`). */
  remove(sourceId: string): Promise<void>;
  /** When the checkpoint was last written, or undefined when there is none. */
  updatedAt(sourceId: string): Promise<Date | undefined>;
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

  async remove(sourceId: string): Promise<void> {
    await (this.writes.get(sourceId) ?? Promise.resolve()).catch(() => undefined);
    await rm(this.pathOf(sourceId), { force: true });
  }

  async updatedAt(sourceId: string): Promise<Date | undefined> {
    return (await stat(this.pathOf(sourceId)).catch(() => undefined))?.mtime;
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
    return join(this.dir, `${sourceId.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
  }
}

/** Keeps checkpoints in memory only: used by `--dry-run`, which must leave no trace. */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly values = new Map<string, unknown>();
  private readonly times = new Map<string, Date>();

  async load<T>(sourceId: string): Promise<T | undefined> {
    return this.values.get(sourceId) as T | undefined;
  }

  async save<T>(sourceId: string, value: T): Promise<void> {
    this.values.set(sourceId, structuredClone(value));
    this.times.set(sourceId, new Date());
  }

  async remove(sourceId: string): Promise<void> {
    this.values.delete(sourceId);
    this.times.delete(sourceId);
  }

  async updatedAt(sourceId: string): Promise<Date | undefined> {
    return this.times.get(sourceId);
  }
}
