import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { offloader, pipelineFile, sampleFolder } from './helpers.js';

const files = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());

describe('every relative path resolves against the pipeline file, not the working folder', () => {
  const elsewhere = mkdtempSync(join(tmpdir(), 'offloader-cwd-'));
  let dir: string;

  beforeAll(() => {
    const sample = sampleFolder({
      source:
        '      afterDelivery: archive\n      archivePath: ./done/archive\n      quarantinePath: ./done/quarantine\n' +
        'transformers:\n  - type: ./plugins/passthrough.js\n',
      top: 'state: ./run-state\nlog: { level: info, file: ./logs/offloader.log }\n',
    });
    dir = sample.dir;
    // `state: ./state` from the helper would clash with the one above: drop it.
    writeFileSync(sample.pipeline, readFileSync(sample.pipeline, 'utf8').replace('state: ./state\n', ''));
    mkdirSync(join(dir, 'plugins'));
    writeFileSync(
      join(dir, 'plugins', 'passthrough.js'),
      "export default { kind: 'transformer', type: 'passthrough', description: 'keeps every record', " +
        "optionsSchema: { type: 'object' }, create: () => ({ transform: (record) => record }) };\n",
    );
    // One row with a bad date: its file is delivered and the row goes to the quarantine folder.
    writeFileSync(
      join(dir, 'offload', 'Data', '2026_03_14_09_40_00_5120_346.csv'),
      '0\t346\t12\t1020\t7\t2026-03-14 09:05:02\t0\t\t\tEl\tParam\r\n0\t346\t12\t1020\t7\tnot a date\t0\t\t\tEl\tParam\r\n',
    );
    const result = offloader(['run', sample.pipeline, '--once'], { cwd: elsewhere });
    expect(result.stderr).toContain('dataminer-csv: 40 records in, 40 delivered');
  }, 120_000);

  it.each([
    ['state', 'run-state/checkpoints'],
    ['log file', 'logs/offloader.log'],
    ['archive', 'done/archive/Data/2026_03_14_09_40_00_5120_346.csv'],
    ['quarantine', 'done/quarantine/Data/2026_03_14_09_40_00_5120_346.csv.rejected.csv'],
  ])('%s: %s beside the pipeline file', (_what, path) => {
    expect(existsSync(join(dir, path))).toBe(true);
  });

  it('plugin modules: ./plugins/passthrough.js loaded from beside the pipeline file (run above succeeded)', () => {
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(files(join(dir, 'done', 'archive'))).toHaveLength(5);
  });
});

describe('source path missing or a regular file', () => {
  const source = (path: string, extra = '') =>
    pipelineFile(`sources:\n  - type: dataminer-csv\n    options: { path: ${path}${extra} }\nsink:\n  type: "null"\n`);

  it('validate and run exit 2 naming the folder that does not exist, and run creates nothing', () => {
    const file = source('./no-such-folder');
    const expected = `${join(file, '..', 'no-such-folder')} does not exist`;
    const validate = offloader(['validate', file]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain(`${file}:3 sources[0].options.path: folder ${expected}`);
    const run = offloader(['run', file, '--once']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(expected);
    expect(readdirSync(join(file, '..'))).toEqual(['pipeline.yaml']);
  }, 120_000);

  it('a regular file where the folder should be is an error too (custom source as well)', () => {
    const file = source('./pipeline.yaml');
    expect(offloader(['validate', file]).stderr).toContain('is a file, not a folder');
    const custom = pipelineFile('sources:\n  - type: custom\n    options: { path: ./gone }\nsink:\n  type: "null"\n');
    expect(offloader(['validate', custom]).code).toBe(2);
  }, 120_000);

  it('waitForPath: true accepts a folder that does not exist yet', () => {
    const result = offloader(['validate', source('./later', ', waitForPath: true')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
