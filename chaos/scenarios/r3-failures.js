import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { kinesisSink, runCli, writePipeline } from '../lib/cli.js';
import { StreamReader, startBackend } from '../lib/kinesis.js';
import { Ledger } from '../lib/ledger.js';
import { expectedIds, writeDataFiles } from '../lib/offload.js';
import { check } from '../lib/report.js';
import { DATA_STREAM, dataminerSource, listFiles, readEvents } from './common.js';

export const R3_FAULTS = { throttleFraction: 0.3, internalFailureFraction: 0.05, http500Fraction: 0.02 };

/**
 * R3 failures: for the whole run the proxy fails 30 % of the PutRecords records with
 * ProvisionedThroughputExceededException, 5 % with InternalFailure, and answers 2 % of all requests with HTTP 500.
 * Target: 0 lost (every record delivered; duplicates reported).
 */
export async function runFailuresScenario({ workDir, records, rowsPerFile = 5000 }) {
  const dir = join(workDir, 'r3-failures');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const started = Date.now();
  const backend = await startBackend({ streams: [DATA_STREAM] });
  const reader = new StreamReader(backend.local.endpoint, DATA_STREAM);
  const ledger = new Ledger();
  try {
    const files = Math.ceil(records / rowsPerFile);
    const written = await writeDataFiles(join(dir, 'in'), {
      files,
      rowsPerFile: Math.min(records, rowsPerFile),
      tag: 'f',
    });
    const pipeline = await writePipeline(dir, {
      name: 'chaos-r3',
      sources: [dataminerSource()],
      // Backoff kept short so the run is about correctness, not waiting; retries are unlimited by count.
      sink: kinesisSink(backend.proxy.endpoint, { data: DATA_STREAM }, { retry: { baseDelayMs: 20, maxDelayMs: 500 } }),
    });
    backend.proxy.set(R3_FAULTS);
    const run = await runCli(pipeline, { logDir: dir, tag: 'run', timeoutMs: 120_000 + records * 2 });
    backend.proxy.set({ throttleFraction: 0, internalFailureFraction: 0, http500Fraction: 0 });
    await reader.drain((data) => ledger.addPayload(data));
    const result = ledger.compare(expectedIds('f', written));
    const counters = backend.proxy.counters;
    const events = await readEvents(join(dir, 'state'));
    const codes = [...new Set(events.map((event) => event.code))].sort();
    const archived = (await listFiles(join(dir, 'archive'))).length;
    const seen = counters.recordsSeen;
    return {
      id: 'R3',
      title: `failures: ${records.toLocaleString('en')} records, 30 % throttled + 5 % InternalFailure + 2 % HTTP 500`,
      workDir: dir,
      checks: [
        check('exit code', 0, run.code, run.code === 0),
        check('records lost', 0, result.lost, result.lost === 0),
        check('throttles injected', '> 0', counters.injectedThrottled, counters.injectedThrottled > 0),
        check(
          'InternalFailures injected',
          '> 0',
          counters.injectedInternalFailures,
          counters.injectedInternalFailures > 0,
        ),
        check('HTTP 500 injected', '> 0', counters.http500, counters.http500 > 0),
        check(
          'THROTTLING_STARTED event',
          'present',
          codes.includes('THROTTLING_STARTED') ? 'present' : 'absent',
          codes.includes('THROTTLING_STARTED'),
        ),
        check('files archived', files, archived, archived === files),
      ],
      figures: {
        'fault seed (rerun with OFFLOADER_TEST_SEED=<seed>)': backend.proxy.seed,
        'records in input': result.expected,
        'records read back': result.readBack,
        lost: result.lost,
        'duplicates (extra copies)': result.duplicated,
        'PutRecords requests / records sent (incl. retries)': `${counters.putRecordsRequests} / ${seen}`,
        'injected throttled / InternalFailure / HTTP 500': `${counters.injectedThrottled} (${pct(counters.injectedThrottled, seen)}) / ${counters.injectedInternalFailures} (${pct(counters.injectedInternalFailures, seen)}) / ${counters.http500} (${pct(counters.http500, counters.requests)} of requests)`,
        'event codes': codes.join(', '),
        'run time s': (run.ms / 1000).toFixed(1),
        'wall time s': ((Date.now() - started) / 1000).toFixed(1),
      },
    };
  } finally {
    reader.close();
    await backend.close();
  }
}

function pct(part, whole) {
  return `${((100 * part) / Math.max(1, whole)).toFixed(1)} %`;
}
