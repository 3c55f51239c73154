// @ts-check
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Environment of every bench child: the SDK's node-version notice would only add noise. */
export const CHILD_ENV = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

/**
 * Node options of every worker: none, unless BENCH_NODE_ARGS asks for some to profile a run
 * (e.g. `BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`).
 */
export function workerExecArgv() {
  return (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

/**
 * Runs `bench/workers/<name>.js` in a fresh node process with `input` (JSON) and resolves with the one result
 * it sends over IPC. A fresh process per repetition keeps JIT state, heap and peak RSS of one run apart
 * from the next.
 * @param {string} name
 * @param {unknown} input
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<any>}
 */
export function runWorker(name, input, options = {}) {
  const script = fileURLToPath(new URL(`../workers/${name}.js`, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = fork(script, [JSON.stringify(input)], {
      env: CHILD_ENV,
      execArgv: workerExecArgv(),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    /** @type {unknown} */
    let result;
    let received = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('message', (message) => {
      result = message;
      received = true;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (received && code === 0) resolve(result);
      else
        reject(new Error(`worker ${name} ended with ${signal ?? `code ${code}`} and ${received ? 'a' : 'no'} result`));
    });
  });
}

/** Input handed to a worker by {@link runWorker}. */
export function workerInput() {
  return JSON.parse(process.argv[2] ?? '{}');
}

/** Peak resident set size of this process in bytes (VmHWM; maxRSS where /proc is missing). */
export async function peakRssBytes() {
  try {
    const { readFile } = await import('node:fs/promises');
    const status = await readFile('/proc/self/status', 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    if (match) return Number(match[1]) * 1024;
  } catch {
    // Not Linux: fall back to what libuv reports.
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** Sends the worker's result to the parent and ends the process once it is delivered. @param {unknown} result */
export function finish(result) {
  if (!process.send) {
    console.log(JSON.stringify(result, null, 2));
    process.exit(0);
  }
  process.send(result, () => process.exit(0));
}
