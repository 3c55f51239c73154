import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CheckpointRecovery, FileCheckpointStore } from '../../src/checkpoints.js';
import {
  FolderCheckpoints,
  MAX_UNLISTED_DONE,
  readFolderCheckpoint,
  removeFolderCheckpoint,
} from '../../src/folder/FolderCheckpoints.js';
import { type FolderFile } from '../../src/folder/types.js';
import { silentLogger } from '../../src/index.js';
import { recordSaves } from './helpers.js';

const fileOf = (relPath: string, size = 10): FolderFile => ({ relPath, size, mtimeMs: 1 }) as FolderFile;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'offloader-done-list-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A real file store that also notes which document each save went to. */
function recordingStore() {
  const store = new FileCheckpointStore(dir);
  return { store, saves: recordSaves(store) };
}

/** `doneListIntervalMs` 0: the done list is written with every write that changes it (the deferral has its own test). */
function checkpointsOn(store: FileCheckpointStore, onRecovered?: (...args: unknown[]) => void, doneListIntervalMs = 0) {
  return new FolderCheckpoints(store, {
    sourceId: 's',
    intervalMs: 3_600_000,
    doneListIntervalMs,
    persist: true,
    logger: silentLogger(),
    onRecovered,
  });
}

const documentAt = async (name: string) =>
  JSON.parse(await readFile(join(dir, name), 'utf8')) as { files: Record<string, Record<string, unknown>> };

describe('the done list of a folder source (files delivered and kept in place)', () => {
  it('keeps done files out of the progress document, so its writes do not grow with the files kept', async () => {
    const { store, saves } = recordingStore();
    const checkpoints = checkpointsOn(store);
    for (let i = 0; i < 200; i++) {
      const file = fileOf(`Data/kept-${i}.csv`);
      checkpoints.update(file, { line: 5, records: 5 });
      checkpoints.update(file, { done: true });
      await checkpoints.flush();
    }
    const sizeWithNoneInProgress = (await stat(join(dir, 's.json'))).size;
    saves.length = 0;
    const current = fileOf('Data/current.csv');
    for (let line = 1; line <= 10; line++) {
      checkpoints.update(current, { line, records: line });
      await checkpoints.flush();
    }
    // Ten progress writes, none of the done list: it did not change.
    expect(saves).toEqual(Array(10).fill('s'));
    const progress = await documentAt('s.json');
    expect(Object.keys(progress.files)).toEqual(['Data/current.csv']);
    expect(sizeWithNoneInProgress).toBeLessThan(100);
    const done = await documentAt('s+done.json');
    expect(Object.keys(done.files)).toHaveLength(200);
    expect(done.files['Data/kept-7.csv']).toMatchObject({ done: true, line: 5, size: 10 });

    // A restart knows every kept file as done and the current one's progress.
    const reloaded = checkpointsOn(new FileCheckpointStore(dir));
    await reloaded.load();
    expect(reloaded.get(fileOf('Data/kept-199.csv'))?.done).toBe(true);
    expect(reloaded.get(current)).toMatchObject({ line: 10, records: 10 });
  });

  it('writes the done list at most every doneListIntervalMs; a file finished meanwhile stays in the progress document', async () => {
    const { store, saves } = recordingStore();
    const checkpoints = checkpointsOn(store, undefined, 3_600_000);
    const finish = async (i: number) => {
      checkpoints.update(fileOf(`Data/kept-${i}.csv`), { line: 5, records: 5, done: true });
      await checkpoints.flush();
    };
    // The first change writes the list (nothing was written yet); the next ones wait for the interval.
    await finish(0);
    for (let i = 1; i <= 10; i++) await finish(i);
    expect(saves.filter((id) => id === 's+done')).toHaveLength(1);
    expect(Object.keys((await documentAt('s+done.json')).files)).toEqual(['Data/kept-0.csv']);
    const progress = await documentAt('s.json');
    expect(Object.keys(progress.files)).toHaveLength(10);
    expect(progress.files['Data/kept-10.csv']).toMatchObject({ done: true });

    // A restart knows all of them as done, from either document.
    const reloaded = checkpointsOn(new FileCheckpointStore(dir));
    await reloaded.load();
    for (const i of [0, 5, 10]) expect(reloaded.get(fileOf(`Data/kept-${i}.csv`))?.done).toBe(true);

    // Once MAX_UNLISTED_DONE files wait, the list is written and the progress document is small again.
    for (let i = 11; i <= MAX_UNLISTED_DONE; i++) await finish(i);
    expect(saves.filter((id) => id === 's+done')).toHaveLength(2);
    expect(Object.keys((await documentAt('s+done.json')).files)).toHaveLength(MAX_UNLISTED_DONE + 1);
    expect(Object.keys((await documentAt('s.json')).files)).toEqual([]);
  });

  it('writes the done list again when a kept file is gone, and drops it from the list', async () => {
    const { store, saves } = recordingStore();
    const checkpoints = checkpointsOn(store);
    checkpoints.update(fileOf('Data/a.csv'), { line: 1, records: 1, done: true });
    checkpoints.update(fileOf('Data/b.csv'), { line: 1, records: 1, done: true });
    await checkpoints.flush();
    saves.length = 0;
    checkpoints.retain(new Set(['Data/b.csv']), new Set());
    await checkpoints.flush();
    expect(saves).toEqual(['s+done', 's']);
    expect(Object.keys((await documentAt('s+done.json')).files)).toEqual(['Data/b.csv']);
  });

  it('reads a checkpoint written before the split and moves its done files to the done list at the next write', async () => {
    await writeFile(
      join(dir, 's.json'),
      JSON.stringify({
        version: 1,
        files: {
          'Data/old.csv': { size: 10, mtimeMs: 1, line: 3, records: 3, done: true },
          'Data/half.csv': { size: 10, mtimeMs: 1, line: 2, records: 2 },
        },
      }),
    );
    const checkpoints = checkpointsOn(new FileCheckpointStore(dir));
    await checkpoints.load();
    expect(checkpoints.get(fileOf('Data/old.csv'))?.done).toBe(true);
    checkpoints.update(fileOf('Data/half.csv'), { line: 4, records: 4 });
    await checkpoints.flush();
    expect(Object.keys((await documentAt('s.json')).files)).toEqual(['Data/half.csv']);
    expect(Object.keys((await documentAt('s+done.json')).files)).toEqual(['Data/old.csv']);
  });

  it('counts a file found in both documents as done only when both name the same file (size and time)', async () => {
    // A crash after the done list was written and before the progress document was: both hold the file.
    await writeFile(
      join(dir, 's+done.json'),
      JSON.stringify({
        version: 1,
        files: {
          'Data/a.csv': { size: 10, mtimeMs: 1, line: 9, records: 9, done: true },
          'Data/b.csv': { size: 10, mtimeMs: 1, line: 9, records: 9, done: true },
        },
      }),
    );
    await writeFile(
      join(dir, 's.json'),
      JSON.stringify({
        version: 1,
        files: {
          'Data/a.csv': { size: 10, mtimeMs: 1, line: 5, records: 5 },
          // A new file under an old name: its progress is newer than the done entry.
          'Data/b.csv': { size: 20, mtimeMs: 1, line: 3, records: 3 },
        },
      }),
    );
    const checkpoints = checkpointsOn(new FileCheckpointStore(dir));
    await checkpoints.load();
    expect(checkpoints.get(fileOf('Data/a.csv'))?.done).toBe(true);
    expect(checkpoints.get(fileOf('Data/b.csv', 20))).toMatchObject({ line: 3, records: 3 });
    expect((await readFolderCheckpoint(new FileCheckpointStore(dir), 's'))['Data/a.csv']?.done).toBe(true);
  });

  it('falls back to the previous generation of a damaged done list and says which document it was', async () => {
    const checkpoints = checkpointsOn(new FileCheckpointStore(dir));
    checkpoints.update(fileOf('Data/a.csv'), { line: 1, records: 1, done: true });
    await checkpoints.flush();
    checkpoints.update(fileOf('Data/b.csv'), { line: 1, records: 1, done: true });
    await checkpoints.flush();
    await writeFile(join(dir, 's+done.json'), '{"version":1,"fil');
    const recovered: unknown[][] = [];
    const reloaded = checkpointsOn(new FileCheckpointStore(dir), (...args) => recovered.push(args));
    await reloaded.load();
    expect(recovered).toHaveLength(1);
    expect((recovered[0][0] as CheckpointRecovery).used).toBe('previous');
    expect(recovered[0][2]).toBe('done');
    expect(reloaded.get(fileOf('Data/a.csv'))?.done).toBe(true);
  });

  it('is forgotten with the progress document by a reset', async () => {
    const checkpoints = checkpointsOn(new FileCheckpointStore(dir));
    checkpoints.update(fileOf('Data/a.csv'), { line: 1, records: 1, done: true });
    checkpoints.update(fileOf('Data/b.csv'), { line: 1, records: 1 });
    await checkpoints.flush();
    const store = new FileCheckpointStore(dir);
    expect(Object.keys(await readFolderCheckpoint(store, 's')).sort()).toEqual(['Data/a.csv', 'Data/b.csv']);
    await removeFolderCheckpoint(store, 's');
    expect(await readFolderCheckpoint(store, 's')).toEqual({});
  });
});
