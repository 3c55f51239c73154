// @ts-check
// B7: how long the `offloader` command takes to start, beside a bare `node` start measured in the same rounds.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CHILD_ENV } from './lib/fork.js';
import { summarise } from './lib/pairs.js';
import { fixed, median } from './lib/stats.js';

const BIN = fileURLToPath(new URL('../packages/cli/bin/offloader.js', import.meta.url));
const QUICKSTART = fileURLToPath(new URL('../examples/quickstart/pipeline.yaml', import.meta.url));
const TARGET_MS = 300;

/** Wall milliseconds of one process run; throws when it fails. @param {string[]} args */
function timeRun(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  return ms;
}

/**
 * @param {{ runs: number, log: (line: string) => void }} options
 * @returns {Promise<import('./lib/report.js').Table[]>}
 */
export async function runB7(options) {
  const commands = [
    { key: 'version', label: '`offloader --version`', args: [BIN, '--version'], target: true },
    { key: 'help', label: '`offloader --help`', args: [BIN, '--help'], target: true },
    {
      key: 'validate',
      label: '`offloader validate examples/quickstart/pipeline.yaml`',
      args: [BIN, 'validate', QUICKSTART],
      target: false,
    },
  ];
  /** @type {number[]} */
  const bare = [];
  /** @type {Record<string, number[]>} */
  const times = Object.fromEntries(commands.map((command) => [command.key, []]));
  // One round unmeasured: the first start after other work reads the files from disk, not from the page cache.
  timeRun(['-e', '']);
  for (const command of commands) timeRun(command.args);
  // Rounds: a bare node start, then each command, so every figure has a baseline from the same moment.
  for (let round = 0; round < options.runs; round += 1) {
    bare.push(timeRun(['-e', '']));
    for (const command of commands) times[command.key].push(timeRun(command.args));
  }
  const bareMs = median(bare);
  options.log(
    `  B7 bare node ${fixed(bareMs, 0)} ms; ${commands.map((c) => `${c.key} ${fixed(median(times[c.key]), 0)} ms`).join(', ')}`,
  );
  return [
    {
      title: `B7 cold start: median of ${options.runs} process runs each`,
      notes: [
        `${options.runs} rounds, not 10: a single start of the command jitters by tens of ms here while a bare ` +
          'node start hardly does, and the median of 10 ratios moved up to 15 % from one run to the next.',
        `Wall time of spawning node with the command until it exits. Baseline: \`node -e ""\` in the same rounds ` +
          `(median ${fixed(bareMs, 0)} ms). The framework, the plugins and the AWS SDK load only when a command needs them.`,
      ],
      rows: commands.map((command) => {
        const ms = median(times[command.key]);
        const ratios = summarise(times[command.key].map((value, i) => value / bare[i]));
        return {
          what: command.label,
          value: `${fixed(ms, 0)} ms`,
          baseline: `${fixed(bareMs, 0)} ms (bare node)`,
          ratio: `${fixed(ratios.median)}×`,
          target: command.target ? `≤ ${TARGET_MS} ms` : 'report',
          pass: command.target ? ms <= TARGET_MS : null,
          key: `b7.${command.key}.vs.node`,
          ratioValue: ratios.median,
          spreadPct: ratios.spreadPct,
        };
      }),
    },
  ];
}
