// @ts-check
// B5/B6 Offloader side: a continuous pipeline (dataminer-csv folder source → kinesis sink) that runs until the
// parent says stop. Reports each file the moment the source finished it (every record acknowledged by Kinesis,
// then the file deleted), and on request its CPU time and RSS, so the parent measures latency and footprint.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { limitHeapGrowth, Pipeline } from '@offloader/core';
import { kinesisSink } from '@offloader/sink-kinesis';
import { plugins as dataminerPlugins } from '@offloader/source-dataminer-csv';
import { peakRssBytes, workerInput } from '../lib/fork.js';
import { localSinkOptions } from '../lib/localClient.js';

const { root, endpoint, streams, sourceOptions, sinkOptions } = workerInput();
// The process settings of `offloader run`, so the figures are those of the command.
limitHeapGrowth();
const stateDir = mkdtempSync(join(tmpdir(), 'offloader-bench-live-'));

/** A logger that only listens for "file delivered", the source's last word on a file. @type {any} */
const listener = {
  debug() {},
  warn() {},
  error(/** @type {any} */ fields, /** @type {string | undefined} */ message) {
    process.send?.({ error: `${message ?? ''} ${JSON.stringify(fields)}` });
  },
  info(/** @type {any} */ fields, /** @type {string | undefined} */ message) {
    if (message === 'file delivered') process.send?.({ delivered: fields.file, at: Date.now() });
  },
  child: () => listener,
};

const pipeline = await Pipeline.fromDefinition(
  {
    name: 'bench-live',
    state: stateDir,
    sources: [
      { type: 'dataminer-csv', id: 'dataminer', options: { path: root, afterDelivery: 'delete', ...sourceOptions } },
    ],
    sink: {
      type: 'kinesis',
      id: 'kinesis',
      options: {
        ...localSinkOptions(endpoint),
        streams,
        ...sinkOptions,
      },
    },
  },
  { plugins: [...dataminerPlugins, kinesisSink], once: false, logger: listener, baseDir: stateDir },
);

/** CPU seconds (user + sys) and RSS of this process now. */
async function usage() {
  const cpu = process.cpuUsage();
  return { cpuMs: (cpu.user + cpu.system) / 1000, rss: process.memoryUsage().rss, peakRss: await peakRssBytes() };
}

const stop = new AbortController();
process.on('message', async (/** @type {any} */ message) => {
  if (message.cmd === 'usage') process.send?.({ usage: await usage(), at: Date.now() });
  if (message.cmd === 'stop') stop.abort();
});
process.send?.({ ready: true });
const summary = await pipeline.run(stop.signal);
const source = summary.sources.dataminer;
rmSync(stateDir, { recursive: true, force: true });
process.send?.(
  { done: true, delivered: source.delivered, recordsIn: source.recordsIn, ok: summary.ok, errors: summary.errors },
  () => process.exit(0),
);
