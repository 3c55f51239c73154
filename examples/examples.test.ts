import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every example is run the way its README says — the exact `npx offloader …` and `node …` lines of its ```sh
 * blocks, in order — from a fresh-clone layout: a copy of `examples/` without any run output, next to the
 * repository's packages and node_modules. The examples must not depend on each other, so they run in README
 * order in one layout and in reverse order in another, with the same results, and none may write outside its
 * own folder.
 */
const examples = import.meta.dirname;
const repo = join(examples, '..');
const ORDER = ['quickstart', 'library', 'dataminer-to-aws', 'custom-plugin', 'custom-offload'];
/** Run output and state: never part of a fresh clone. */
const RUN_OUTPUT = /[\\/](state|out|archive|logs|quarantine|\.offloader-claims)$/;

function freshLayout(): string {
  const root = mkdtempSync(join(tmpdir(), 'offloader-examples-'));
  cpSync(examples, join(root, 'examples'), { recursive: true, filter: (src) => !RUN_OUTPUT.test(src) });
  for (const shared of ['node_modules', 'packages']) symlinkSync(join(repo, shared), join(root, shared), 'dir');
  return root;
}

/** The commands of an example's README that the test runs (```sh blocks; `npm ci` / `npx vitest` are setup). */
function readmeCommands(name: string): string[] {
  const readme = readFileSync(join(examples, name, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]);
  return blocks
    .flatMap((block) => block.split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => /^(npx offloader|node) /.test(line));
}

function runCommand(root: string, command: string) {
  const words = command.split(/\s+/);
  // `npx offloader` runs node_modules/.bin/offloader; calling it with node directly saves npx's start-up.
  const args =
    words[0] === 'npx' ? [join(root, 'node_modules', '.bin', 'offloader'), ...words.slice(2)] : words.slice(1);
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 90_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

type Result = ReturnType<typeof runCommand>;
/** What each README command must give (the counts the READMEs document). */
const EXPECTED: [RegExp, (result: Result) => void][] = [
  [/^npx offloader validate /, (r) => expect(r.stdout).toContain('valid — 1 source(s)')],
  [
    /^npx offloader run examples\/quickstart\/pipeline.yaml --once$/,
    (r) => expect(r.stderr).toContain('dataminer-csv: 39 records in, 39 delivered, 0 filtered, 0 rejected, 0 failed'),
  ],
  [/^npx offloader tail data --pipeline examples\/quickstart/, (r) => expect(jsonLines(r.stdout)).toHaveLength(19)],
  [
    /^npx offloader run examples\/(quickstart|dataminer-to-aws)\/pipeline.yaml --once --dry-run$/,
    (r) => {
      const records = jsonLines(r.stdout);
      expect(records).toHaveLength(39);
      expect(new Set(records.map((record) => record.route))).toEqual(new Set(['data', 'dataavg', 'alarm']));
      expect(r.stderr).toContain('dry run: 39 records would be sent; nothing was changed');
    },
  ],
  [/^npx offloader status examples\/quickstart/, (r) => expect(r.stdout).toMatch(/dataminer-csv\s+0\s+0\s+4\s/)],
  [/^npx offloader reset examples\/quickstart/, (r) => expect(r.stdout).toContain('dataminer-csv: forgot 4 file(s)')],
  [/^npx offloader status examples\/dataminer-to-aws/, (r) => expect(r.stdout).toMatch(/dma-346\s+4\s+0\s+0\s/)],
  [
    /^node examples\/library\/dist\/main.js$/,
    (r) => expect(JSON.parse(r.stdout).sources['dataminer-csv']).toMatchObject({ delivered: 39, failed: 0 }),
  ],
  [/^npx offloader run examples\/custom-plugin/, (r) => expect(r.stderr).toContain('1 filtered')],
  [
    /^npx offloader run examples\/custom-offload/,
    (r) => expect(r.stderr).toContain('custom-files: 5 records in, 5 delivered'),
  ],
  [/^npx offloader tail custom-events /, (r) => expect(jsonLines(r.stdout)).toHaveLength(5)],
];

/** Every file below `root` (symlinked packages and node_modules aside) with its modification time. */
function snapshot(root: string): Map<string, number> {
  const files = new Map<string, number>();
  for (const entry of readdirSync(join(root, 'examples'), { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile()) files.set(relative(root, path), statSync(path).mtimeMs);
  }
  for (const name of readdirSync(root))
    if (!['examples', 'node_modules', 'packages'].includes(name)) files.set(name, 0);
  return files;
}

function runExample(root: string, name: string) {
  const before = snapshot(root);
  for (const command of readmeCommands(name)) {
    const beforeCommand = snapshot(root);
    const result = runCommand(root, command);
    expect(result.code, `${command}\n${result.stderr}`).toBe(0);
    // A preview changes nothing at all, not even inside the example's folder (kinesis state, claims, logs).
    if (command.includes('--dry-run')) expect(snapshot(root), command).toEqual(beforeCommand);
    const checks = EXPECTED.filter(([pattern]) => pattern.test(command));
    expect(checks, `no documented result for "${command}"`).not.toHaveLength(0);
    for (const [, check] of checks) check(result);
  }
  const after = snapshot(root);
  const changed = [...after].filter(([path, time]) => before.get(path) !== time).map(([path]) => path);
  expect(
    changed.filter((path) => !path.startsWith(join('examples', name))),
    `${name} wrote outside`,
  ).toEqual([]);
}

describe('examples, run as their READMEs say', () => {
  it('every example has README commands, and each command has a documented result', () => {
    for (const name of ORDER) expect(readmeCommands(name).length, name).toBeGreaterThan(0);
  });

  it('in README order from a fresh clone layout', () => {
    const root = freshLayout();
    for (const name of ORDER) runExample(root, name);
  }, 300_000);

  it('in reverse order: the same results (no example reads another one’s input or state)', () => {
    const root = freshLayout();
    for (const name of [...ORDER].reverse()) runExample(root, name);
  }, 300_000);

  it('npm run demo (quickstart/demo.mjs) starts clean, delivers the samples and tails every stream', () => {
    const root = freshLayout();
    const result = runCommand(root, 'node examples/quickstart/demo.mjs');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('dataminer-csv: 39 records in, 39 delivered');
  }, 120_000);
});
