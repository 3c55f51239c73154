import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (chaos/lib/../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI_BIN = join(REPO_ROOT, 'packages', 'cli', 'bin', 'offloader.js');

/**
 * Distinctive fake credentials. Pipelines reference them as `${CHAOS_AWS_KEY_ID}` / `${CHAOS_AWS_SECRET}`;
 * kinesalite accepts any signature. S1 scans every output for them.
 */
export const FAKE_CREDENTIALS = {
  accessKeyId: 'AKIACHAOSQ7ZX3KFAKE9',
  secretAccessKey: 'chA0sFAKEs3cret/9f8Qz+k3yW2vT0pLmN4bR7sXc1uH',
};
export const CREDENTIAL_ENV = {
  CHAOS_AWS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
  CHAOS_AWS_SECRET: FAKE_CREDENTIALS.secretAccessKey,
};

/** Kinesis sink options pointing at `endpoint` with the fake credentials taken from the environment. */
export function kinesisSink(endpoint, streams, extra = {}) {
  return {
    type: 'kinesis',
    id: 'kinesis',
    options: {
      endpoint,
      region: 'us-east-1',
      bypassProxy: true,
      streams,
      credentials: { accessKeyId: '${CHAOS_AWS_KEY_ID}', secretAccessKey: '${CHAOS_AWS_SECRET}' },
      maxInFlight: 4,
      maxBatchRecords: 500,
      lingerMs: 20,
      // kinesalite enforces no shard quota; the scenarios test delivery guarantees, not pacing (B3 measures that).
      shardRate: { enabled: false },
      ...extra,
    },
  };
}

/**
 * Writes `<dir>/pipeline.yaml` (JSON is YAML; `${ENV}` references in strings are substituted by the loader)
 * and returns its path.
 */
export async function writePipeline(dir, definition) {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'pipeline.yaml');
  await writeFile(path, `${JSON.stringify({ state: './state', ...definition }, null, 2)}\n`);
  return path;
}

/**
 * Starts `offloader run <pipeline> [args]` as a child process (plain node, so SIGKILL hits the pipeline itself);
 * stdout and stderr go to `<logDir>/<tag>.out.log` / `.err.log`. `exited` resolves with {code, signal, ms}.
 */
export function startCli(pipeline, { args = ['--once'], logDir, tag, env = {} }) {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI_BIN, 'run', pipeline, ...args], {
    cwd: dirname(pipeline),
    env: { ...process.env, ...CREDENTIAL_ENV, AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const outLog = createWriteStream(join(logDir, `${tag}.out.log`));
  const errLog = createWriteStream(join(logDir, `${tag}.err.log`));
  child.stdout.pipe(outLog);
  let stderrTail = '';
  child.stderr.on('data', (chunk) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4000);
  });
  child.stderr.pipe(errLog);
  const exited = new Promise((resolveExit) => {
    child.on('exit', (code, signal) => {
      const closeLogs = () => {
        outLog.end();
        errLog.end();
        resolveExit({ code, signal, ms: Date.now() - started, stderrTail });
      };
      // Let the pipes flush the last bytes before the logs close.
      if (child.stdout.readableEnded && child.stderr.readableEnded) closeLogs();
      else setTimeout(closeLogs, 50);
    });
  });
  return { child, exited, pid: child.pid, startedAt: started };
}

/** Runs the CLI to its end; rejects when it does not end within `timeoutMs` (then it is killed). */
export async function runCli(pipeline, options) {
  const run = startCli(pipeline, options);
  const timeoutMs = options.timeoutMs ?? 120_000;
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs);
  const result = await run.exited;
  clearTimeout(timer);
  if (result.signal === 'SIGKILL') throw new Error(`${options.tag}: did not finish within ${timeoutMs} ms`);
  return result;
}

export const sleep = (ms) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/** Polls `predicate` every `everyMs` until it is true or `timeoutMs` passed; returns whether it became true. */
export async function waitFor(predicate, { timeoutMs = 60_000, everyMs = 50 } = {}) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await predicate()) return true;
    await sleep(everyMs);
  }
  return Boolean(await predicate());
}
