import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileCheckpointStore } from '../src/checkpoints.js';

describe('FileCheckpointStore', () => {
  it('makes its folder on the first save, and again when it was removed between saves', async () => {
    // Prepare
    const dir = join(await mkdtemp(join(tmpdir(), 'offloader-checkpoints-')), 'state', 'checkpoints');
    const store = new FileCheckpointStore(dir);
    await store.save('source-a', { line: 1 });
    // Act: an operator removes the state folder while the pipeline runs.
    await rm(dir, { recursive: true });
    await store.save('source-a', { line: 2 });
    // Assess
    expect(await new FileCheckpointStore(dir).load('source-a')).toEqual({ line: 2 });
  });

  it('says which checkpoint it cannot write, and why, when a file stands where the folder should be', async () => {
    // Prepare
    const root = await mkdtemp(join(tmpdir(), 'offloader-checkpoints-'));
    const dir = join(root, 'checkpoints');
    const store = new FileCheckpointStore(dir);
    await store.save('source-a', { line: 1 });
    await rm(dir, { recursive: true });
    await writeFile(dir, 'not a folder');
    // Act and assess
    await expect(store.save('source-a', { line: 2 })).rejects.toMatchObject({
      code: 'CHECKPOINT_IO',
      message: expect.stringContaining('cannot write checkpoint of source-a'),
    });
  });
});
