// @ts-check
// Offloader's side of B2/B3: generated records through the real pipeline runner into the `kinesis` sink.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { limitHeapGrowth, Pipeline, silentLogger } from '@offloader/core';
import { kinesisSink, USER_RECORDS_PUT } from '@offloader/sink-kinesis';
import { finish, workerInput } from '../lib/fork.js';
import { localSinkOptions } from '../lib/localClient.js';
import { generatedSource } from '../lib/trendRecords.js';

const { endpoint, stream, count, sinkOptions } = workerInput();
// The process settings of `offloader run`, so the figures are those of the command.
limitHeapGrowth();
const stateDir = mkdtempSync(join(tmpdir(), 'offloader-bench-producer-'));
const pipeline = await Pipeline.fromDefinition(
  {
    name: 'bench-producer',
    state: stateDir,
    sources: [{ type: 'bench-generated', id: 'generated', options: { count } }],
    sink: {
      type: 'kinesis',
      id: 'kinesis',
      options: {
        ...localSinkOptions(endpoint),
        streams: { data: stream },
        ...sinkOptions,
      },
    },
  },
  { plugins: [generatedSource, kinesisSink], once: true, logger: silentLogger(), baseDir: stateDir },
);
const started = process.hrtime.bigint();
const summary = await pipeline.run();
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const cpu = process.cpuUsage();
const cpuMs = (cpu.user + cpu.system) / 1000;
const metrics = pipeline.services.metrics;
const source = summary.sources.generated;
rmSync(stateDir, { recursive: true, force: true });
finish({
  ms,
  cpuMs,
  sent: count,
  accepted: source.delivered,
  failed: source.failed + source.rejected,
  ok: summary.ok,
  errors: summary.errors,
  userRecordsPut: await metrics.value(USER_RECORDS_PUT, { stream }),
  peakInFlight: pipeline.runner.queue.peakInFlight,
});
