import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FolderSource } from '../../src/folder/FolderSource.js';
import { FolderEventCodes } from '../../src/folder/fileEvents.js';
import { summariseOutcomes } from '../../src/index.js';
import { makeSource, okLines, tempRoot, writeLines } from './helpers.js';

type Area = 'state' | 'archive' | 'quarantine';
type How = 'full' | 'read-only';

interface Unwritable {
  heal(): Promise<void>;
  cleanup(): Promise<void>;
}

const isRoot = process.getuid?.() === 0;

/**
 * Makes `dir` take no writes: a small tmpfs filled up, or mounted read-only. Without mount rights (CI as a normal
 * user) a read-only folder is made with permissions instead; a full one cannot be made: the reason is returned.
 */
async function makeUnwritable(dir: string, how: How): Promise<Unwritable | string> {
  await mkdir(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', how === 'full' ? 'size=256k' : 'ro,size=256k', 'tmpfs', dir], {
      stdio: 'pipe',
    });
  } catch (error) {
    if (how === 'read-only' && !isRoot) {
      await chmod(dir, 0o555);
      return { heal: () => chmod(dir, 0o755), cleanup: () => chmod(dir, 0o755).catch(() => undefined) };
    }
    return `cannot mount a tmpfs here (${
      String((error as { stderr?: Buffer }).stderr ?? error)
        .trim()
        .split('\n')[0]
    })`;
  }
  const filler = join(dir, 'filler.bin');
  if (how === 'full') {
    await writeFile(filler, Buffer.alloc(512 * 1024)).catch(() => undefined);
  }
  return {
    heal: async () => {
      if (how === 'full') await rm(filler, { force: true });
      else execFileSync('mount', ['-o', 'remount,rw', dir], { stdio: 'pipe' });
    },
    cleanup: async () => {
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } catch {
        // already gone
      }
    },
  };
}

const until = async (condition: () => boolean, timeoutMs = 60_000) => {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** Reads in continuous mode, acknowledging every record, until `stop` aborts. */
function readAll(source: FolderSource, signal: AbortSignal) {
  const values: number[] = [];
  const done = (async () => {
    for await (const batch of source.read(signal)) {
      values.push(...batch.records.map((record) => (record.value as { n: number }).n));
      await batch.ack(summariseOutcomes(batch.records.map(() => ({ status: 'delivered' as const }))));
    }
  })();
  return { values, done };
}

const X_ROWS = 300;
const Y_FIRSTS = [1001, 2001, 3001, 4001];

describe.each(['state', 'archive', 'quarantine'] as Area[])('the %s folder takes no writes', (area) => {
  it.for(['full', 'read-only'] as How[])(
    '%s: new work stops, one event, nothing lost, reading resumes by itself once it is writable',
    { timeout: 90_000 },
    async (how, context) => {
      const root = await tempRoot();
      const stateDir = join(root, '_state');
      const areaDir = { state: stateDir, archive: join(root, '_archive'), quarantine: join(root, 'Failed') }[area];
      // x's bad rows go to the quarantine; files that arrive once the folder failed are the new work that must wait.
      await writeLines(join(root, 'Data', 'x.csv'), [...okLines(1, X_ROWS), 'bad row'], 120);
      const unwritable = await makeUnwritable(areaDir, how);
      if (typeof unwritable === 'string') {
        await rm(root, { recursive: true, force: true });
        context.skip(`not run: ${unwritable}`);
        return;
      }
      try {
        const { source, services, decoder } = makeSource(root, stateDir, {}, { once: false });
        const controller = new AbortController();
        const { values, done } = readAll(source, controller.signal);
        const events = () => services.events.list({ code: FolderEventCodes.storageUnwritable });
        await until(() => events().length > 0);
        // Blocked: files that arrive now are not started (the scans go on every 20 ms), and the file being read
        // stops after its current batch (3 rows).
        const readWhenBlocked = values.length;
        for (const [index, first] of Y_FIRSTS.entries())
          await writeLines(join(root, 'Data', `y${index}.csv`), okLines(first, first + 2), 60 - index);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(decoder.passes.map((pass) => pass.file)).toEqual(['Data/x.csv']);
        expect(values.length - readWhenBlocked).toBeLessThanOrEqual(3);
        // x waits for the folder it needs (a state failure may come after x was read whole and archived).
        if (area !== 'state') expect(existsSync(join(root, 'Data', 'x.csv'))).toBe(true);
        await unwritable.heal();
        for (const index of Y_FIRSTS.keys())
          await until(() => existsSync(join(root, '_archive', 'Data', `y${index}.csv`)));
        await until(() => existsSync(join(root, '_archive', 'Data', 'x.csv')));
        controller.abort();
        await done;
        await source.stop();
        expect(events()).toHaveLength(1);
        expect(events()[0]).toMatchObject({ severity: 'error', file: expect.stringContaining(areaDir) });
        expect(services.events.list({ code: FolderEventCodes.storageWritable })).toHaveLength(1);
        // Every record once, none twice (the quarantine case re-reads x for its bad row only).
        expect([...values].sort((a, b) => a - b)).toEqual(
          [...okLines(1, X_ROWS), ...Y_FIRSTS.flatMap((first) => okLines(first, first + 2))].map((l) =>
            Number(l.split(' ')[1]),
          ),
        );
        expect(await readFile(join(root, 'Failed', 'Data', 'x.csv.rejected.csv'), 'utf8')).toBe('bad row\n');
        const checkpoint = JSON.parse(await readFile(join(stateDir, 'checkpoints', 'folder-test.json'), 'utf8'));
        expect(checkpoint.files).toEqual({});
      } finally {
        await unwritable.cleanup();
      }
    },
  );
});
