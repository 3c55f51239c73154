import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const bin = join(import.meta.dirname, '..', 'bin', 'offloader.js');
export const repo = join(import.meta.dirname, '..', '..', '..');

/** Runs the CLI as a user would (a child process, stdin not a terminal); returns exit code and output. */
export function offloader(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? repo,
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Writes `text` as pipeline.yaml in a fresh temp folder (or `dir`); returns its path. */
export function pipelineFile(text: string, dir = mkdtempSync(join(tmpdir(), 'offloader-cli-'))): string {
  const file = join(dir, 'pipeline.yaml');
  writeFileSync(file, text);
  return file;
}

/**
 * A temp folder with a copy of the quickstart's sample offload files (39 rows in 4 files) in `offload/` and a
 * pipeline that reads them into the `null` sink. `source` replaces the default `afterDelivery: keep` line(s) of
 * the source options; `top` adds top-level YAML (e.g. `log:`).
 */
export function sampleFolder(extra: { source?: string; top?: string } = {}): { dir: string; pipeline: string } {
  const dir = mkdtempSync(join(tmpdir(), 'offloader-cli-samples-'));
  cpSync(join(repo, 'examples', 'quickstart', 'offload'), join(dir, 'offload'), {
    recursive: true,
    filter: (src) => !src.includes('.offloader-claims'),
  });
  const source = extra.source ?? '      afterDelivery: keep\n';
  const pipeline = pipelineFile(
    `name: samples\nstate: ./state\n${extra.top ?? ''}sources:\n  - type: dataminer-csv\n    options:\n` +
      `      path: ./offload\n      complete: { settleMs: 0 }\n${source}sink:\n  type: "null"\n`,
    dir,
  );
  return { dir, pipeline };
}
