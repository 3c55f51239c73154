import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileCheckpointStore } from '../../src/checkpoints.js';
import { parseState, readGenerations, type StateDamage, writeFileDurably } from '../../src/durable.js';
import type { FolderCheckpointDocument } from '../../src/folder/FolderCheckpoints.js';
import { CLAIMS_DIR } from '../../src/folder/types.js';
import { drain, makeSource, okLines, tempRoot, writeLines } from './helpers.js';

type Damage = 'missing' | 'empty' | 'truncated' | 'unparsable';
const DAMAGES: Damage[] = ['missing', 'empty', 'truncated', 'unparsable'];

/** Damages a state file the ways a power cut or a disk fault can. */
async function damage(path: string, how: Damage | 'previous', previous?: string): Promise<void> {
  const text = await readFile(path, 'utf8').catch(() => '');
  if (how === 'missing') await rm(path, { force: true });
  if (how === 'empty') await writeFile(path, '');
  if (how === 'truncated') await writeFile(path, text.slice(0, Math.floor(text.length / 2)));
  if (how === 'unparsable') await writeFile(path, '\0\0garbage\0');
  if (how === 'previous') await writeFile(path, previous ?? '');
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

describe('durable state files', () => {
  it('keeps the replaced generation as .prev and reads it when the current one is damaged, each way', async () => {
    for (const how of DAMAGES) {
      const dir = await tempRoot();
      const path = join(dir, 'state.json');
      await writeFileDurably(path, JSON.stringify({ generation: 1 }), { keepPrevious: true });
      await writeFileDurably(path, JSON.stringify({ generation: 2 }), { keepPrevious: true });
      expect(await readGenerations(path, isObject)).toEqual({ value: { generation: 2 }, used: 'current' });
      await damage(path, how);
      expect(await readGenerations(path, isObject), how).toEqual({
        value: { generation: 1 },
        used: 'previous',
        damage: how,
      });
      // Both generations damaged: nothing usable, which is said, not thrown.
      await damage(`${path}.prev`, 'empty');
      expect(await readGenerations(path, isObject), how).toEqual({
        used: 'none',
        damage: how,
        previousDamage: 'empty',
      });
    }
  });

  it('tells damage kinds apart: empty, cut short, garbage, valid JSON of the wrong shape', () => {
    const cases: [string, StateDamage | 'ok'][] = [
      ['', 'empty'],
      ['\0\0\0\0', 'empty'],
      ['{"version":1,"files":{"a', 'truncated'],
      ['x{]', 'unparsable'],
      ['[1,2]', 'invalid'],
      ['{"version":1}', 'ok'],
    ];
    for (const [text, expected] of cases) {
      const parsed = parseState(text, (value): value is object => isObject(value) && !Array.isArray(value));
      expect('damage' in parsed ? parsed.damage : 'ok', JSON.stringify(text)).toBe(expected);
    }
  });

  it('a fresh state (no current, no previous) is no recovery', async () => {
    const dir = await tempRoot();
    expect(await readGenerations(join(dir, 'none.json'), isObject)).toEqual({ used: 'none' });
  });
});

/** Two checkpoint generations of Data/x.csv (7 lines): the previous one after line 3, the current after line 6. */
async function twoGenerations(root: string) {
  const file = join(root, 'Data', 'x.csv');
  await writeLines(file, okLines(1, 7));
  const { size, mtimeMs } = await stat(file);
  const store = new FileCheckpointStore(join(root, '_state', 'checkpoints'));
  const at = (line: number): FolderCheckpointDocument => ({
    version: 1,
    files: { 'Data/x.csv': { size, mtimeMs, line, offset: okLines(1, line).join('\n').length + 1, records: line } },
  });
  await store.save('folder-test', at(3));
  await store.save('folder-test', at(6));
  const path = join(root, '_state', 'checkpoints', 'folder-test.json');
  return { path, previous: JSON.stringify(at(3)) };
}

describe('a damaged checkpoint is never fatal', () => {
  it.each(DAMAGES)('%s checkpoint: resumes from the previous generation, says so, skips nothing', async (how) => {
    const root = await tempRoot();
    const { path } = await twoGenerations(root);
    await damage(path, how);
    const { source, services } = makeSource(root, join(root, '_state'));
    const { values } = await drain(source);
    await source.stop();
    // Lines 4–6 were delivered after the previous generation: sent again, nothing skipped.
    expect(values).toEqual([4, 5, 6, 7]);
    const events = services.events.list({ code: 'STATE_RECOVERED' });
    expect(events).toHaveLength(1);
    expect(events[0].message).toContain(`was ${how}; resumed from its previous generation`);
    expect(existsSync(join(root, '_archive', 'Data', 'x.csv'))).toBe(true);
  });

  it.each(DAMAGES)('%s checkpoint and a damaged previous generation: reads the file from its start', async (how) => {
    const root = await tempRoot();
    const { path } = await twoGenerations(root);
    await damage(path, how);
    await damage(`${path}.prev`, how === 'missing' ? 'truncated' : how);
    const { source, services } = makeSource(root, join(root, '_state'));
    const { values } = await drain(source);
    await source.stop();
    expect(values).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const [event] = services.events.list({ code: 'STATE_RECOVERED' });
    expect(event.message).toContain('read from its start');
  });

  it('a checkpoint replaced by its previous version resumes from there (records re-sent, none skipped)', async () => {
    const root = await tempRoot();
    const { path, previous } = await twoGenerations(root);
    await damage(path, 'previous', previous);
    const { source } = makeSource(root, join(root, '_state'));
    const { values } = await drain(source);
    await source.stop();
    expect(values).toEqual([4, 5, 6, 7]);
  });
});

/** The claim (or done marker) path of `relPath` below `root`. */
const claimPath = (root: string, relPath: string) => join(root, CLAIMS_DIR, `${encodeURIComponent(relPath)}.claim`);

/** A root whose Data/x.csv (4 lines) was delivered with `afterDelivery: keep` by a source that then stopped. */
async function deliveredAndKept(): Promise<string> {
  const root = await tempRoot();
  await writeLines(join(root, 'Data', 'x.csv'), okLines(1, 4));
  const first = makeSource(root, join(root, '_state'), { afterDelivery: 'keep' });
  expect((await drain(first.source)).values).toEqual([1, 2, 3, 4]);
  await first.source.stop();
  return root;
}

describe('a damaged claim or done marker is never fatal', () => {
  it.each(['empty', 'truncated', 'unparsable'] as const)(
    'a %s claim left by a crash is taken over and reported',
    async (how) => {
      const root = await tempRoot();
      await writeLines(join(root, 'Data', 'x.csv'), okLines(1, 4));
      const claim = claimPath(root, 'Data/x.csv');
      await mkdir(join(root, CLAIMS_DIR), { recursive: true });
      await writeFile(claim, JSON.stringify({ pid: 1, host: 'elsewhere', time: new Date().toISOString() }));
      await damage(claim, how);
      // Older than the grace a live writer of the fallback path gets.
      const past = new Date(Date.now() - 10_000);
      await utimes(claim, past, past);
      const { source, services } = makeSource(root, join(root, '_state'));
      const { values } = await drain(source);
      await source.stop();
      expect(values).toEqual([1, 2, 3, 4]);
      const events = services.events.list({ code: 'STATE_RECOVERED' });
      expect(events.map((event) => event.message)).toEqual([expect.stringContaining(`was ${how}; taken over`)]);
    },
  );

  it.each([...DAMAGES, 'previous'] as const)(
    'a kept file with a %s done marker is not sent again (the checkpoint knows it is done)',
    async (how) => {
      const root = await deliveredAndKept();
      const marker = claimPath(root, 'Data/x.csv');
      expect(JSON.parse(await readFile(marker, 'utf8')).done).toBeDefined();
      // The previous version of a done marker is the claim it replaced, of a process that is gone.
      await damage(marker, how, JSON.stringify({ pid: 2 ** 22 + 7, host: hostname(), time: '', file: 'Data/x.csv' }));
      const past = new Date(Date.now() - 10_000);
      if (existsSync(marker)) await utimes(marker, past, past);
      const second = makeSource(root, join(root, '_state'), { afterDelivery: 'keep' });
      expect((await drain(second.source)).values).toEqual([]);
      await second.source.stop();
    },
  );

  it.each(['empty', 'truncated', 'unparsable'] as const)(
    'a %s list of kept files: the done marker still keeps the file from being sent again, and an event says so',
    async (how) => {
      const root = await deliveredAndKept();
      await damage(join(root, '_state', 'checkpoints', 'folder-test+done.json'), how);
      const second = makeSource(root, join(root, '_state'), { afterDelivery: 'keep' });
      expect((await drain(second.source)).values).toEqual([]);
      await second.source.stop();
      const events = second.services.events.list({ code: 'STATE_RECOVERED' });
      expect(events.map((event) => event.message)).toEqual([
        expect.stringContaining(`list of delivered files kept in place`),
      ]);
      expect(events[0].message).toContain(`was ${how}`);
    },
  );

  it('a kept file whose done marker and checkpoint are both lost is sent again whole, not skipped', async () => {
    const root = await tempRoot();
    await writeLines(join(root, 'Data', 'x.csv'), okLines(1, 4));
    const first = makeSource(root, join(root, '_state'), { afterDelivery: 'keep' });
    await drain(first.source);
    await first.source.stop();
    await damage(claimPath(root, 'Data/x.csv'), 'missing');
    // Both documents: the progress checkpoint and the list of files delivered and kept in place.
    for (const name of ['folder-test.json', 'folder-test+done.json']) {
      const checkpoint = join(root, '_state', 'checkpoints', name);
      await damage(checkpoint, 'empty');
      await damage(`${checkpoint}.prev`, 'missing');
    }
    const second = makeSource(root, join(root, '_state'), { afterDelivery: 'keep' });
    expect((await drain(second.source)).values).toEqual([1, 2, 3, 4]);
    await second.source.stop();
  });
});
