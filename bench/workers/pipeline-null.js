// @ts-check
// B1/B4 pipeline side: the dataminer-csv source over a generated backlog → validated JSON records → null sink.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { limitHeapGrowth, Pipeline, silentLogger } from '@offloader/core';
import { plugins } from '@offloader/source-dataminer-csv';
import { finish, peakRssBytes, workerInput } from '../lib/fork.js';

const { root, kinds } = workerInput();
// The process settings of `offloader run`, so the figures are those of the command.
limitHeapGrowth();
// keep leaves a done marker per file in the folder's claims; the next repetition must start from a clean slate.
rmSync(join(root, '.offloader-claims'), { recursive: true, force: true });
const stateDir = mkdtempSync(join(tmpdir(), 'offloader-bench-state-'));
const pipeline = await Pipeline.fromDefinition(
  {
    name: 'bench-transform',
    state: stateDir,
    sources: [
      {
        type: 'dataminer-csv',
        id: 'dataminer',
        // keep: the backlog is read again by the next repetition (delete/archive would consume it).
        options: { path: root, kinds, afterDelivery: 'keep', complete: { mode: 'stable', settleMs: 0 } },
      },
    ],
    sink: { type: 'null', id: 'null' },
  },
  { plugins, once: true, logger: silentLogger(), baseDir: stateDir },
);
const started = process.hrtime.bigint();
const startCpu = process.cpuUsage();
const summary = await pipeline.run();
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const cpu = process.cpuUsage(startCpu);
const source = summary.sources.dataminer;
rmSync(stateDir, { recursive: true, force: true });
finish({
  ms,
  cpuMs: (cpu.user + cpu.system) / 1000,
  rows: source.recordsIn,
  delivered: source.delivered,
  rejected: source.rejected,
  failed: source.failed,
  ok: summary.ok,
  errors: summary.errors,
  peakRss: await peakRssBytes(),
});
