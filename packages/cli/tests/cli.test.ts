import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { offloader, pipelineFile, repo } from './helpers.js';

describe('offloader CLI', () => {
  it.each([
    [['--help'], 0, /offloader <command>/],
    [['--version'], 0, /^\d+\.\d+\.\d+/],
    [[], 2, /Name a command/],
    [['frobnicate'], 2, /Unknown argument|Name a command/],
  ])('%j exits %i', (args, code, output) => {
    const result = offloader(args);
    expect(result.code).toBe(code);
    expect(result.stdout + result.stderr).toMatch(output);
  });

  it('validate exits 0 for a valid pipeline', () => {
    const file = pipelineFile(
      'sources:\n  - type: dataminer-csv\n    options: { path: ./offload }\nsink:\n  type: stdout\n',
    );
    mkdirSync(join(dirname(file), 'offload'));
    const result = offloader(['validate', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/valid — 1 source\(s\) \[dataminer-csv:dataminer-csv\]/);
  });

  it('run --local exits 2 with USAGE_INVALID when the sink is not kinesis', () => {
    const file = pipelineFile(
      'sources:\n  - type: dataminer-csv\n    options: { path: ./offload }\nsink:\n  type: stdout\n',
    );
    mkdirSync(join(dirname(file), 'offload'));
    const result = offloader(['run', file, '--local', '--once']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error USAGE_INVALID: --local needs a pipeline whose sink is of type kinesis');
  });

  it('validate exits 2 and names the line of every problem', () => {
    const file = pipelineFile(
      'sources:\n  - type: dataminer-csv\n    options:\n      path: ./offload\n      pollIntervalMs: often\nsink:\n  type: kinesys\n',
    );
    const result = offloader(['validate', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:5 sources[0].options.pollIntervalMs: must be integer`);
    expect(result.stderr).toContain(
      `${file}:7 sink.type: unknown sink type "kinesys"; known sink types: kinesis, null, stdout`,
    );
  });

  it('validate exits 2 for a file that does not exist', () => {
    const result = offloader(['validate', '/nonexistent/pipeline.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot read the pipeline file: ENOENT');
  });

  it('plugins --json lists every built-in plugin with its options schema', () => {
    const result = offloader(['plugins', '--json']);
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as { kind: string; type: string; optionsSchema: object }[];
    expect(rows.map((row) => `${row.kind}:${row.type}`)).toEqual(
      expect.arrayContaining(['source:dataminer-csv', 'source:custom', 'sink:kinesis', 'sink:stdout', 'sink:null']),
    );
    for (const row of rows) expect(row.optionsSchema).toHaveProperty('type', 'object');
  });

  it('schema prints a JSON Schema that names the plugin types', () => {
    const result = offloader(['schema']);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout);
    expect(schema.required).toEqual(['sources', 'sink']);
    expect(JSON.stringify(schema.properties.sink)).toContain('"kinesis"');
  });
});

describe('generated docs', () => {
  it('docs/yaml-reference.md is what `offloader plugins --markdown` prints now', async () => {
    const { readFileSync } = await import('node:fs');
    const result = offloader(['plugins', '--markdown']);
    expect(result.code).toBe(0);
    expect(readFileSync(join(repo, 'docs', 'yaml-reference.md'), 'utf8')).toBe(result.stdout);
  });
});
