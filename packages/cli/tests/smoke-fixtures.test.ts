import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EXPECTED_DRY_RUN,
  FIXTURE_OFFLOAD,
  IDENTITY_PLUGIN,
  identityPipeline,
  smokePipeline,
  sortedLines,
} from '../../../scripts/smoke/pipelines.mjs';

/** The Node CLI is held to the same expectations as the single executables (scripts/smoke/binary-smoke.mjs). */
const bin = join(import.meta.dirname, '..', 'bin', 'offloader.js');

function offloader(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    timeout: 60_000,
  });
}

describe('smoke fixtures shared with the binary smoke test', () => {
  it('run --once --dry-run over the fixture folder prints exactly the expected JSON lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'offloader-smoke-'));
    const pipeline = join(dir, 'pipeline.yaml');
    const paths = { offload: FIXTURE_OFFLOAD, archive: join(dir, 'archive'), state: join(dir, 'state') };
    writeFileSync(pipeline, smokePipeline({ ...paths, log: join(dir, 'log.jsonl') }));
    const result = offloader(['run', pipeline, '--once', '--dry-run']);
    expect(result.status).toBe(0);
    expect(sortedLines(result.stdout)).toBe(sortedLines(readFileSync(EXPECTED_DRY_RUN, 'utf8')));
    expect(result.stdout.split('\n')).toHaveLength(40);
  });

  it('a plugin loaded by path throws the PluginError of the same @offloader/core: the CLI reports it as its own (exit 2)', () => {
    // In place: under Node the plugin finds @offloader/core in the workspace (the executable serves its own).
    const dir = mkdtempSync(join(tmpdir(), 'offloader-identity-'));
    writeFileSync(join(dir, 'pipeline.yaml'), identityPipeline({ offload: FIXTURE_OFFLOAD, plugin: IDENTITY_PLUGIN }));
    const result = offloader(['run', join(dir, 'pipeline.yaml'), '--once', '--dry-run']);
    expect(result.stderr).toContain('error PLUGIN_LOAD_FAILED: identity check');
    expect(result.status).toBe(2);
  });
});
