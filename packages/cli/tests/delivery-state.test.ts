import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { confirm } from '../src/commands/reset.js';
import { offloader, sampleFolder } from './helpers.js';

/** These tests start the CLI up to ten times each; on a loaded 2-core machine one start can take 7 s. */
const SPAWNS_TIMEOUT = 240_000;

/** Every path below `dir`, to show that a command changed nothing. */
const tree = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();
const statusOf = (pipeline: string) => JSON.parse(offloader(['status', pipeline, '--json']).stdout);

describe('dry run: a preview that touches nothing', () => {
  it(
    'writes no state, claims, log file, archive or quarantine, and says how many records would be sent',
    () => {
      const { dir, pipeline } = sampleFolder({
        source: '      afterDelivery: archive\n      archivePath: ./archive\n      quarantinePath: ./quarantine\n',
        top: 'log: { file: ./logs/offloader.log }\n',
      });
      const before = tree(dir);
      const result = offloader(['run', pipeline, '--once', '--dry-run']);
      expect(result.code).toBe(0);
      expect(result.stdout.trim().split('\n')).toHaveLength(39);
      expect(result.stderr).toContain('dry run: 39 records would be sent; nothing was changed');
      expect(tree(dir)).toEqual(before);
    },
    SPAWNS_TIMEOUT,
  );

  it(
    'ignores checkpoints and claims: after a real run it still previews every file present',
    () => {
      const { dir, pipeline } = sampleFolder();
      expect(offloader(['run', pipeline, '--once']).code).toBe(0);
      const before = tree(dir);
      const result = offloader(['run', pipeline, '--once', '--dry-run']);
      expect(result.stdout.trim().split('\n')).toHaveLength(39);
      expect(result.stderr).toContain('dry run: 39 records would be sent; nothing was changed');
      expect(tree(dir)).toEqual(before);
    },
    SPAWNS_TIMEOUT,
  );
});

describe('status and reset', () => {
  it(
    'a run that finds nothing new says why; status shows it; reset --yes makes the files go again',
    () => {
      const { pipeline } = sampleFolder();
      expect(statusOf(pipeline)).toMatchObject({ source: 'dataminer-csv', pending: 4, delivered: 0, pathExists: true });
      expect(offloader(['run', pipeline, '--once']).code).toBe(0);
      const status = statusOf(pipeline);
      expect(status).toMatchObject({ pending: 0, inProgress: 0, delivered: 4, quarantined: 0, rejectedRows: 0 });
      expect(Date.parse(status.lastCheckpoint)).toBeGreaterThan(Date.now() - 120_000);
      const table = offloader(['status', pipeline]).stdout;
      expect(table).toMatch(/source\s+pending\s+in progress\s+delivered\s+archived\s+quarantined\s+rejected rows/);

      const again = offloader(['run', pipeline, '--once']);
      expect(again.code).toBe(0);
      expect(again.stderr).toContain('dataminer-csv: 0 records in');
      expect(again.stderr).toContain(
        `dataminer-csv: 0 records because 4 file(s) already delivered; see \`offloader status ${pipeline}\``,
      );

      // Not a terminal and no --yes: refuse, change nothing.
      const refused = offloader(['reset', pipeline]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('add --yes');
      expect(statusOf(pipeline).delivered).toBe(4);

      const reset = offloader(['reset', pipeline, '--source', 'dataminer-csv', '--yes']);
      expect(reset.code).toBe(0);
      expect(reset.stdout).toContain('dataminer-csv: forgot 4 file(s)');
      expect(statusOf(pipeline)).toMatchObject({ pending: 4, delivered: 0 });
      expect(offloader(['run', pipeline, '--once']).stderr).toContain('dataminer-csv: 39 records in, 39 delivered');
    },
    SPAWNS_TIMEOUT,
  );

  it('reset of an unknown source id is a usage error naming the known ids', () => {
    const { pipeline } = sampleFolder();
    const result = offloader(['reset', pipeline, '--source', 'nope', '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no source with id "nope"');
    expect(result.stderr).toContain('dataminer-csv');
  });

  it(
    'status counts quarantined files and rejected rows',
    async () => {
      const { dir, pipeline } = sampleFolder({
        source: '      afterDelivery: keep\n      quarantinePath: ./quarantine\n',
      });
      const { writeFileSync } = await import('node:fs');
      writeFileSync(
        join(dir, 'offload', 'Data', '2026_03_14_09_40_00_5120_346.csv'),
        '0\t346\t12\t1020\t7\t2026-03-14 09:05:02\t0\t\t\tEl\tParam\r\n0\t346\t12\n0\t346\t12\t1020\t7\tnot a date\t0\t\t\tEl\tParam\r\n',
      );
      offloader(['run', pipeline, '--once']);
      expect(statusOf(pipeline)).toMatchObject({ delivered: 5, rejectedRows: 2 });
    },
    SPAWNS_TIMEOUT,
  );

  it.each([
    ['y', true],
    ['YES', true],
    ['', false],
    ['no', false],
  ])('the confirmation prompt: answer %j → %s', async (answer, expected) => {
    const input = new PassThrough();
    const output = new PassThrough();
    const asked = confirm('Forget? [y/N] ', input, output);
    input.end(`${answer}\n`);
    expect(await asked).toBe(expected);
  });
});
