import { describe, expect, it } from 'vitest';
import { type CheckpointStore } from '../../src/checkpoints.js';
import { FolderCheckpoints, MAX_RECORDS_BEHIND } from '../../src/folder/FolderCheckpoints.js';
import { type FolderFile } from '../../src/folder/types.js';
import { silentLogger } from '../../src/index.js';

function countingStore() {
  const store = {
    saves: 0,
    async load() {
      return undefined;
    },
    async save() {
      store.saves += 1;
    },
    async remove() {},
    async updatedAt() {
      return undefined;
    },
  };
  return store as CheckpointStore & { saves: number };
}

const file = { relPath: 'Data/x.csv', size: 10, mtimeMs: 1 } as FolderFile;

describe('FolderCheckpoints', () => {
  it('writes at once when acknowledged records pile up, so a crash re-sends a bounded number', async () => {
    const store = countingStore();
    // An interval so long that only the record bound can cause a write within this test.
    const checkpoints = new FolderCheckpoints(store, {
      sourceId: 's',
      intervalMs: 3_600_000,
      persist: true,
      logger: silentLogger(),
    });
    checkpoints.update(file, { line: 10, records: 10 }, MAX_RECORDS_BEHIND - 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(store.saves).toBe(0);
    checkpoints.update(file, { line: 11, records: 11 }, 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(store.saves).toBe(1);
    // Nothing new since: an explicit flush writes nothing more.
    await checkpoints.flush();
    expect(store.saves).toBe(1);
  });

  it('coalesces flushes during a slow write into one more write that carries the latest state', async () => {
    const saved: number[] = [];
    let release: () => void = () => undefined;
    const store: CheckpointStore = {
      async load() {
        return undefined;
      },
      async save(_id, value) {
        saved.push((value as { files: Record<string, { line: number }> }).files[file.relPath].line);
        if (saved.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
      async remove() {},
      async updatedAt() {
        return undefined;
      },
    };
    const checkpoints = new FolderCheckpoints(store, {
      sourceId: 's',
      intervalMs: 3_600_000,
      persist: true,
      logger: silentLogger(),
    });
    checkpoints.update(file, { line: 1, records: 1 });
    const first = checkpoints.flush();
    // Let the first write start (it then hangs until released).
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(saved).toEqual([1]);
    const waiting: Promise<void>[] = [];
    for (let line = 2; line <= 50; line += 1) {
      checkpoints.update(file, { line, records: line });
      waiting.push(checkpoints.flush());
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    await Promise.all([first, ...waiting]);
    // One write in flight, one queued behind it with the state of the moment it started: two writes, not 50.
    expect(saved).toEqual([1, 50]);
  });
});
