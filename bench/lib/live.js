// @ts-check
// B5/B6 helpers: a long-running producer process driven over IPC, and a writer that drops offload files at a
// steady pace the way DataMiner (or a careful copier) does.
import { fork } from 'node:child_process';
import { closeSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KINDS } from '../generate-offload.js';
import { CHILD_ENV, workerExecArgv } from './fork.js';

/**
 * @typedef {object} LiveWorker
 * @property {Map<string, number>} delivered  file path → when the producer reported it done (ms epoch)
 * @property {string[]} errors
 * @property {number} pid
 * @property {() => Promise<{ cpuMs: number, rss: number, peakRss: number }>} usage
 * @property {() => Promise<any>} stop  ends the run and resolves with the producer's last message
 */

/**
 * Starts `bench/workers/<name>.js` with `input` and waits until it says it is ready.
 * @param {string} name
 * @param {unknown} input
 * @returns {Promise<LiveWorker>}
 */
export async function startLive(name, input) {
  const script = fileURLToPath(new URL(`../workers/${name}.js`, import.meta.url));
  const child = fork(script, [JSON.stringify(input)], {
    env: CHILD_ENV,
    execArgv: workerExecArgv(),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  /** @type {Map<string, number>} */
  const delivered = new Map();
  /** @type {string[]} */
  const errors = [];
  /** @type {((usage: any) => void)[]} */
  const usageWaiters = [];
  /** @type {any} */
  let last;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise((resolve, reject) => {
    // After ready this rejection no longer matters: a settled promise ignores it.
    child.once('exit', (code) => reject(new Error(`${name} exited with code ${code} before it was ready`)));
    child.on('message', (/** @type {any} */ message) => {
      if (message.ready) resolve(undefined);
      if (message.delivered) delivered.set(message.delivered, message.at);
      if (message.error && errors.length < 20) errors.push(message.error);
      if (message.usage) usageWaiters.shift()?.(message.usage);
      if (message.done) last = message;
    });
  });
  return {
    delivered,
    errors,
    pid: /** @type {number} */ (child.pid),
    usage: () =>
      new Promise((resolve) => {
        usageWaiters.push(resolve);
        child.send({ cmd: 'usage' });
      }),
    stop: async () => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.send({ cmd: 'stop' });
      await exited;
      clearTimeout(timer);
      return last;
    },
  };
}

/**
 * Writes one offload file of `rows` rows of `kind` and returns when it is complete (closed, or renamed into
 * place): `rename` writes `<name>.tmp` first (a name the source ignores), `in-place` writes the final name.
 * @param {string} root
 * @param {'data' | 'dataavg' | 'alarm'} kind
 * @param {number} seq   file sequence number (names and row content)
 * @param {number} rows
 * @param {'rename' | 'in-place'} how
 */
export function dropFile(root, kind, seq, rows, how) {
  const { folder, row } = KINDS[kind];
  const dir = join(root, folder);
  mkdirSync(dir, { recursive: true });
  const name = `2026_03_14_09_00_00_${String(seq).padStart(8, '0')}_346.csv`;
  const path = join(dir, name);
  const target = how === 'rename' ? `${path}.tmp` : path;
  const fd = openSync(target, 'w');
  let text = '';
  for (let i = 0; i < rows; i += 1) text += row(seq * rows + i);
  writeSync(fd, text);
  closeSync(fd);
  if (how === 'rename') renameSync(target, path);
  return { path, completeAt: Date.now() };
}
