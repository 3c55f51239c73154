import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', 'bin', 'offloader.js');

function runOnce(pipeline: string) {
  const result = spawnSync(process.execPath, [bin, 'run', pipeline, '--once'], {
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    timeout: 60_000,
  });
  return { code: result.status, stderr: result.stderr };
}

function setUp() {
  const dir = mkdtempSync(join(tmpdir(), 'offloader-lock-'));
  mkdirSync(join(dir, 'in'));
  mkdirSync(join(dir, 'state'));
  const pipeline = join(dir, 'pipeline.yaml');
  writeFileSync(
    pipeline,
    'name: locked\nstate: ./state\nsources:\n  - type: custom\n    options: { path: ./in }\nsink:\n  type: "null"\n',
  );
  const lock = (pid: number) =>
    writeFileSync(
      join(dir, 'state', '.offloader.lock'),
      JSON.stringify({ pid, host: hostname(), pipeline: 'other', time: new Date().toISOString() }),
    );
  return { dir, pipeline, lock };
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill();
});

describe('a state folder used by another running pipeline', () => {
  it('is refused at start with exit 2, naming the other pipeline', () => {
    const { pipeline, lock } = setUp();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    children.push(other);
    lock(other.pid as number);
    const result = runOnce(pipeline);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/in use by pipeline "other" \(pid \d+/);
  });

  it('is taken over when the process holding it is gone, and released at the end', () => {
    const { dir, pipeline, lock } = setUp();
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    lock(Number(gone.stdout.trim()));
    const result = runOnce(pipeline);
    expect(result.code).toBe(0);
    expect(existsSync(join(dir, 'state', '.offloader.lock'))).toBe(false);
  });
});
