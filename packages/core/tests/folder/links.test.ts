import { existsSync } from 'node:fs';
import { readdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drain, makeSource, okLines, tempRoot, writeLines } from './helpers.js';

async function listOrEmpty(dir: string): Promise<string[]> {
  return existsSync(dir) ? readdir(dir) : [];
}

describe('symbolic links in the watched folder', () => {
  it('a link to a file outside the folder is refused with FILE_OUTSIDE_ROOT; nothing of it is sent or copied', async () => {
    const root = await tempRoot();
    const outside = join(await tempRoot(), 'passwd.csv');
    await writeLines(outside, ['ok 7', 'bad root:x:0:0:root:/root:/bin/bash']);
    await writeLines(join(root, 'Data', 'good.csv'), okLines(1, 2));
    await symlink(outside, join(root, 'Data', 'passwd.csv'));
    const { source, services } = makeSource(root, join(root, '_state'));
    const { values } = await drain(source);
    await source.stop();
    expect(values).toEqual([1, 2]);
    const outsideEvents = services.events.list({ code: 'FILE_OUTSIDE_ROOT' });
    expect(outsideEvents).toHaveLength(1);
    expect(outsideEvents[0].message).toMatch(/Data\/passwd\.csv resolves to .*outside the watched folder/);
    // No copy of the target's rows anywhere below the root.
    for (const name of await listOrEmpty(join(root, 'Failed', 'Data'))) {
      if (name.endsWith('.rejected.csv') || name.endsWith('.rejected.jsonl')) {
        expect(await readFile(join(root, 'Failed', 'Data', name), 'utf8')).not.toContain('root:x');
      }
    }
    expect(await readFile(outside, 'utf8')).toContain('root:x');
  });

  it('a link inside the folder to a file inside it does not send the rows twice', async () => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'real.csv'), okLines(1, 4));
    await writeLines(join(root, 'other.csv'), okLines(10, 11));
    await symlink(join(root, 'Data', 'real.csv'), join(root, 'Data', 'again.csv'));
    await symlink('../other.csv', join(root, 'Data', 'other-link.csv'));
    const { source, services } = makeSource(root, join(root, '_state'), { afterDelivery: 'keep' });
    const { values } = await drain(source);
    await source.stop();
    expect(values.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 10, 11]);
    expect(services.events.list({ code: 'FILE_OUTSIDE_ROOT' })).toEqual([]);
  });
});
