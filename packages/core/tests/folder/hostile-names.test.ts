import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drain, makeSource, okLines, tempRoot, writeLines } from './helpers.js';

/** Names every file system allows (≤ 255 bytes) whose claim or output names, built naively, do not fit. */
const LONG_NAMES = [
  `${'a'.repeat(246)}.csv`,
  `${'数'.repeat(30)}.csv`,
  `${'é'.repeat(100)}.csv`,
  `${'é'.repeat(125)}.csv`,
];

describe('file names as long as the file system allows', () => {
  it.each(['keep', 'archive'] as const)(
    'are claimed, delivered, marked done and their rejected rows written (afterDelivery %s)',
    async (afterDelivery) => {
      const root = await tempRoot();
      let first = 0;
      for (const name of LONG_NAMES) {
        await writeLines(join(root, 'Data', name), [...okLines(first + 1, first + 2), 'bad row']);
        first += 10;
      }
      await writeLines(join(root, 'Data', 'short.csv'), okLines(100, 101));
      const { source, services } = makeSource(root, join(root, '_state'), { afterDelivery });
      const events: string[] = [];
      services.events.onEvent((event) => events.push(`${event.code}: ${event.message}`));
      const { values } = await drain(source);
      await source.stop();
      expect(values.sort((a, b) => a - b)).toEqual([1, 2, 11, 12, 21, 22, 31, 32, 100, 101]);
      expect(events.filter((event) => event.startsWith('FILE_IO') || event.includes('ENAMETOOLONG'))).toEqual([]);
      const outputs = await readdir(join(root, 'Failed', 'Data'));
      expect(outputs.filter((name) => name.endsWith('.rejected.csv'))).toHaveLength(LONG_NAMES.length);
      expect(outputs.filter((name) => name.endsWith('.rejected.jsonl'))).toHaveLength(LONG_NAMES.length);
      // Long names keep a readable prefix.
      expect(outputs.some((name) => name.startsWith('aaaaaaaaaa'))).toBe(true);
      if (afterDelivery === 'archive') {
        expect((await readdir(join(root, '_archive', 'Data'))).sort()).toEqual([...LONG_NAMES, 'short.csv'].sort());
      } else {
        // A second run over the kept files sends nothing again (done markers and checkpoints held).
        const again = makeSource(root, join(root, '_state'), { afterDelivery });
        expect((await drain(again.source)).values).toEqual([]);
        await again.source.stop();
        for (const name of LONG_NAMES) expect(existsSync(join(root, 'Data', name))).toBe(true);
      }
    },
  );
});
