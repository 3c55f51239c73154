import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeKind } from '../../../bench/generate-offload.js';

const bin = join(import.meta.dirname, '..', 'bin', 'offloader.js');
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const FILES = 12;
const ROWS_PER_FILE = 500;

/**
 * A backlog and two pipelines over it that share state: `paced` sends at 10 % of one shard's 1,000 records/s
 * (60 s for the backlog) with at most 1,000 records read ahead (a 10 s drain), so the stop lands mid-way even
 * when starting the `offloader stop` process takes 45 s; `unpaced` finishes the rest quickly.
 */
function backlogPipelines(): { paced: string; unpaced: string; archive: string } {
  const dir = mkdtempSync(join(tmpdir(), 'offloader-stop-'));
  writeKind(join(dir, 'offload'), 'data', FILES * ROWS_PER_FILE, ROWS_PER_FILE);
  const pipeline = (percent: number) => `name: drain
state: ./state
sources:
  - type: dataminer-csv
    options:
      path: ./offload
      kinds: [data]
      pollIntervalMs: 200
      complete: { mode: stable, settleMs: 0 }
      afterDelivery: archive
      archivePath: ./archive
sink:
  type: kinesis
  options:
    endpoint: local
    local: { shards: 1 }
    shardRate: { percent: ${percent} }
    maxInFlight: 1
    maxBatchRecords: 100
    streams: { data: dm-trend }
`;
  writeFileSync(join(dir, 'paced.yaml'), pipeline(10));
  writeFileSync(join(dir, 'unpaced.yaml'), pipeline(1000));
  return { paced: join(dir, 'paced.yaml'), unpaced: join(dir, 'unpaced.yaml'), archive: join(dir, 'archive') };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function archived(archive: string): number {
  return existsSync(archive)
    ? readdirSync(archive, { recursive: true }).filter((f) => String(f).endsWith('.csv')).length
    : 0;
}

function offloader(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env, timeout: 90_000, maxBuffer: 2 ** 26 });
}

describe('stop = drain', () => {
  it.each([['SIGINT'], ['SIGTERM'], ['offloader stop']])(
    '%s mid-backlog: exit 0, every acknowledged record checkpointed, the rest sent by the next run exactly once',
    async (how) => {
      const { paced, unpaced, archive } = backlogPipelines();
      const child = spawn(process.execPath, [bin, 'run', paced, '--log-level', 'warn'], { env, stdio: 'pipe' });
      let stderr = '';
      child.stderr?.on('data', (chunk) => {
        stderr += chunk;
      });
      const exit = exited(child);
      await until(() => archived(archive) >= 1, 60_000, 'the first file to be delivered');
      if (how === 'offloader stop') {
        const stop = offloader(['stop', paced]);
        expect(stop.stderr).toContain('stop request taken');
        expect(stop.status).toBe(0);
      } else {
        child.kill(how as NodeJS.Signals);
      }
      expect(await exit).toBe(0);
      expect(stderr).toMatch(/stopping — draining in-flight records/);
      expect(stderr).toMatch(/drain: done in .* \(signal\)/);
      const firstRun = Number(/(\d+) delivered/.exec(stderr)?.[1]);
      expect(firstRun).toBeGreaterThan(0);
      expect(firstRun).toBeLessThan(FILES * ROWS_PER_FILE);

      const rest = offloader(['run', unpaced, '--once', '--log-level', 'warn']);
      expect(rest.status).toBe(0);
      const secondRun = Number(/(\d+) delivered/.exec(rest.stderr)?.[1]);
      expect(firstRun + secondRun).toBe(FILES * ROWS_PER_FILE);
      expect(archived(archive)).toBe(FILES);
      const tail = offloader(['tail', 'data', '--pipeline', unpaced]);
      expect(tail.status).toBe(0);
      const sequence = tail.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).data);
      // Every row exactly once in the stream: the drain neither lost acknowledged records nor re-sent them.
      expect(sequence).toHaveLength(FILES * ROWS_PER_FILE);
      expect(new Set(sequence.map((record) => JSON.stringify(record))).size).toBe(FILES * ROWS_PER_FILE);
    },
    // Four CLI processes and a paced run: 50–57 s measured on two cores at a load average above 20.
    180_000,
  );

  it('offloader stop without a running pipeline says so, exits 1 and leaves no request behind', () => {
    const { paced } = backlogPipelines();
    const result = offloader(['stop', paced, '--wait', '0.5']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no running pipeline took the stop request');
    expect(existsSync(join(paced, '..', 'state', 'stop-request'))).toBe(false);
  });
});
