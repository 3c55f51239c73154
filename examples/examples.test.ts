import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every example runs here the way its README says, from a copy so the repo's own folders stay clean. */
const examples = import.meta.dirname;
const repo = join(examples, '..');
const cli = join(repo, 'packages', 'cli', 'bin', 'offloader.js');
const samples = join(repo, '..', 'shared', 'samples', 'dataminer');

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 90_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function copyExample(name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), `offloader-${name}-`)), name);
  cpSync(join(examples, name), dir, {
    recursive: true,
    filter: (src) => !/[\\/](state|out|quarantine|\.offloader-claims)$/.test(src),
  });
  return dir;
}

const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe('examples', () => {
  it('quickstart: run --once delivers the sample files to the local Kinesis, tail reads them back', () => {
    const dir = copyExample('quickstart');
    const pipeline = join(dir, 'pipeline.yaml');
    const result = run([cli, 'run', pipeline, '--once', '--log-level', 'warn']);
    expect(result.stderr).toContain('dataminer-csv: 39 records in, 39 delivered, 0 filtered, 0 rejected, 0 failed');
    expect(result.code).toBe(0);
    const counts = Object.fromEntries(
      ['data', 'dataavg', 'alarm'].map((route) => {
        const tail = run([cli, 'tail', route, '--pipeline', pipeline]);
        expect(tail.code).toBe(0);
        return [route, jsonLines(tail.stdout).length];
      }),
    );
    expect(counts).toEqual({ data: 19, dataavg: 10, alarm: 10 });
    // afterDelivery: keep — a second run sends nothing new.
    const again = run([cli, 'run', pipeline, '--once', '--log-level', 'warn']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('dataminer-csv: 0 records in');
  });

  it('library: the 15-line program runs a typed pipeline without YAML', () => {
    const source = readFileSync(join(examples, 'library', 'src', 'main.ts'), 'utf8');
    expect(source.trimEnd().split('\n').length).toBeLessThanOrEqual(15);
    const dir = copyExample('quickstart');
    const result = run([join(examples, 'library', 'dist', 'main.js'), join(dir, 'offload'), join(dir, 'state')]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.ok).toBe(true);
    expect(summary.sources['dataminer-csv'].delivered).toBe(39);
  });

  it('dataminer-to-aws: validates, and a dry run over the samples prints one record per row, touching nothing', () => {
    const pipeline = join(examples, 'dataminer-to-aws', 'pipeline.yaml');
    expect(run([cli, 'validate', pipeline]).code).toBe(0);
    const state = mkdtempSync(join(tmpdir(), 'offloader-aws-state-'));
    const env = { OFFLOAD_ROOT: samples, OFFLOADER_STATE: state, OFFLOADER_LOG: join(state, 'log.jsonl') };
    const result = run([cli, 'run', pipeline, '--once', '--dry-run'], env);
    expect(result.code).toBe(0);
    const records = jsonLines(result.stdout);
    expect(records).toHaveLength(39);
    expect(new Set(records.map((r) => r.route))).toEqual(new Set(['data', 'dataavg', 'alarm']));
    expect(records.find((r) => r.route === 'alarm').data).toMatchObject({ DMA_SITE: 'Ghent', TYPE: 'New alarm' });
    expect(existsSync(join(samples, '_archive'))).toBe(false);
  });

  it('custom-plugin: plugins load from YAML by path and by package name', () => {
    // In place: a copy would resolve its own package name to itself, away from the workspace's node_modules.
    const dir = join(examples, 'custom-plugin');
    rmSync(join(dir, 'state'), { recursive: true, force: true });
    rmSync(join(dir, 'out'), { recursive: true, force: true });
    const result = run([cli, 'run', join(dir, 'pipeline.yaml'), '--once', '--log-level', 'warn']);
    expect(result.code).toBe(0);
    const written = jsonLines(readFileSync(join(dir, 'out', 'records.jsonl'), 'utf8'));
    expect(written.map((r) => r.ELEMENT_NAME)).toEqual(['Encodeur Québec-01', 'Core Router, Site A']);
  });
});
