import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { offloader, sampleFolder } from './helpers.js';

const COMMANDS = ['run', 'validate', 'status', 'reset', 'plugins', 'schema', 'tail'];
const usageHints = (text: string) => text.match(/Run "offloader/g)?.length ?? 0;

describe('strict command line: every usage error exits 2 with one message, and nothing runs', () => {
  it('a mistyped flag (--dryrun) exits 2 and delivers nothing: no state, no claims, no records', () => {
    const { dir, pipeline } = sampleFolder();
    const result = offloader(['run', pipeline, '--once', '--dryrun']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown argument: dryrun');
    expect(usageHints(result.stderr)).toBe(1);
    expect(result.stdout).toBe('');
    expect(existsSync(join(dir, 'state'))).toBe(false);
    expect(existsSync(join(dir, 'offload', '.offloader-claims'))).toBe(false);
  });

  it.each([
    [['run'], /Not enough non-option arguments/],
    [['validate'], /Not enough non-option arguments/],
    [['status'], /Not enough non-option arguments/],
    [['reset'], /Not enough non-option arguments/],
    [['tail'], /Not enough non-option arguments/],
    [['frobnicate'], /Unknown argument: frobnicate/],
    [['plugins', '--jsn'], /Unknown argument: jsn/],
    [['run', 'p.yaml', '--log-level', 'loud'], /Invalid values/],
    [['run', 'p.yaml', '--version'], /Unknown argument: version/],
  ])('%j: exit 2, one usage message, no stack or type error', (args, message) => {
    const result = offloader(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(usageHints(result.stderr)).toBe(1);
    expect(result.stderr).not.toMatch(/paths\[0\]|Region is missing|at .*\.js:\d+/);
    expect(result.stdout).toBe('');
  });
});

describe('help', () => {
  it('--version works at the top level', () => {
    expect(offloader(['--version']).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it.each(COMMANDS)('`%s --help` describes every option and has no --version', (command) => {
    const result = offloader([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('--version');
    const options = result.stdout.split('\n').filter((line) => /^ {2}-/.test(line));
    expect(options.length).toBeGreaterThan(0);
    for (const line of options) expect(line, `${command}: ${line.trim()}`).toMatch(/^\s+-[-\w, ]+\s{2,}\S/);
  });

  it('schema --out writes the JSON Schema to a file; the README documents it and the default name is git-ignored', () => {
    const { dir } = sampleFolder();
    const out = join(dir, 'pipeline.schema.json');
    const result = offloader(['schema', '--out', out]);
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).required).toEqual(['sources', 'sink']);
    const root = join(import.meta.dirname, '..', '..', '..');
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('offloader schema --out pipeline.schema.json');
    expect(readFileSync(join(root, '.gitignore'), 'utf8').split('\n')).toContain('pipeline.schema.json');
  });
});
