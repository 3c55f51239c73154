import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { kinesisSink, runCli, sleep, startCli, waitFor, writePipeline } from '../lib/cli.js';
import { StreamReader, settleBackend, startBackend } from '../lib/kinesis.js';
import { Ledger } from '../lib/ledger.js';
import { expectedIds, writeDataFiles } from '../lib/offload.js';
import { check } from '../lib/report.js';
import { DATA_STREAM, dataminerSource, faultSeedFromEnv, listFiles, seededRandom } from './common.js';

/** Name of the check that a crash between link and unlink leaves no second archive copy (known core bug). */
export const ARCHIVE_COPIES_CHECK = 'extra archive copies (-1.csv) after crashes';
const MAX_IN_FLIGHT = 4;
const MAX_BATCH_RECORDS = 500;
const SOURCE_BATCH = 500;
/** The runner's default buffer: max(1000, 2 × maxBatchRecords × maxInFlight) records accepted and not settled. */
const RUNNER_BUFFER = Math.max(1000, 2 * MAX_BATCH_RECORDS * MAX_IN_FLIGHT);

/**
 * R1 crash: a pipeline (child process running the CLI, sink → fault proxy → kinesalite in this process) offloading
 * `records` rows from Data offload files is SIGKILLed `kills` times at random moments — each time after it has
 * delivered something since its start, plus a random extra delay — and restarted. Between runs the stream is
 * drained, so every record read back is attributed to the run that wrote it; a record of run k whose id was read
 * before is a duplicate caused by crash k. At the end: lost (target 0), duplicates total and per crash (target
 * ≤ the in-flight bound), files archived, nothing quarantined.
 */
export async function runCrashScenario({ workDir, records, rowsPerFile = 10_000, kills, maxExtraDelayMs = 1500 }) {
  const dir = join(workDir, 'r1-crash');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const started = Date.now();
  const files = Math.ceil(records / rowsPerFile);
  const backend = await startBackend({
    streams: [DATA_STREAM],
    // Keep a large stream on disk (LevelDB) rather than in this process's memory.
    path: records > 200_000 ? join(dir, 'kinesalite') : undefined,
  });
  const reader = new StreamReader(backend.local.endpoint, DATA_STREAM);
  const ledger = new Ledger();
  try {
    const written = await writeDataFiles(join(dir, 'in'), {
      files,
      rowsPerFile: Math.min(rowsPerFile, records),
      tag: 'c',
    });
    const pipeline = await writePipeline(dir, {
      name: 'chaos-r1',
      sources: [dataminerSource({ batchSize: SOURCE_BATCH })],
      sink: kinesisSink(
        backend.proxy.endpoint,
        { data: DATA_STREAM },
        {
          maxInFlight: MAX_IN_FLIGHT,
          maxBatchRecords: MAX_BATCH_RECORDS,
        },
      ),
    });
    // The extra delays come from a seeded generator (OFFLOADER_TEST_SEED); the moments still depend on timing.
    const seed = faultSeedFromEnv();
    const random = seededRandom(seed);
    const killLog = [];
    let finishedEarly = false;
    for (let k = 0; k < kills; k++) {
      const before = backend.proxy.counters.recordsSucceeded;
      const run = startCli(pipeline, { logDir: dir, tag: `run-${String(k).padStart(2, '0')}` });
      let exited;
      run.exited.then((result) => {
        exited = result;
      });
      // A random moment while it is delivering: after its first acknowledged record, plus a random delay.
      await waitFor(() => exited || backend.proxy.counters.recordsSucceeded > before, {
        timeoutMs: 60_000,
        everyMs: 5,
      });
      await sleep(random() * maxExtraDelayMs);
      if (exited) {
        finishedEarly = true;
        killLog.push({ run: k, killed: false, exit: exited.code });
        break;
      }
      const uptimeMs = Date.now() - run.startedAt;
      run.child.kill('SIGKILL');
      await run.exited;
      await settleBackend(backend);
      await reader.drain((data) => ledger.addPayload(data));
      killLog.push({ run: k, killed: true, uptimeMs, deliveredSoFar: ledger.copies.size });
      ledger.nextEpoch();
    }
    const finalRun = await runCli(pipeline, {
      logDir: dir,
      tag: 'run-final',
      timeoutMs: 120_000 + records / 2,
    });
    await reader.drain((data) => ledger.addPayload(data));
    const result = ledger.compare(expectedIds('c', written));
    const crashEpochs = ledger.epochs.slice(1);
    const duplicatesPerCrash = crashEpochs.map((epoch) => epoch.duplicates);
    const maxPerCrash = Math.max(0, ...duplicatesPerCrash);
    const bound = MAX_IN_FLIGHT * MAX_BATCH_RECORDS + RUNNER_BUFFER + SOURCE_BATCH;
    const leftInInput = (await listFiles(join(dir, 'in'))).length;
    const archiveFiles = await listFiles(join(dir, 'archive'));
    const archived = archiveFiles.length;
    // A kill between the hard link into the archive and the unlink of the input leaves both; the restart then
    // archives the (fully acknowledged) file again under `<name>-1.csv`. Counted separately from the records.
    const extraArchiveCopies = archiveFiles.filter((rel) => /-\d+\.csv$/.test(rel));
    const quarantined = (await listFiles(join(dir, 'quarantine'))).length;
    const killed = killLog.filter((entry) => entry.killed).length;
    return {
      id: 'R1',
      title: `crash: ${records.toLocaleString('en')} records, SIGKILL at ${kills} random moments`,
      workDir: dir,
      checks: [
        check('kills performed', finishedEarly ? `≤ ${kills}` : kills, killed, finishedEarly || killed === kills),
        check('final run exit code', 0, finalRun.code, finalRun.code === 0),
        check('records lost', 0, result.lost, result.lost === 0),
        check('max duplicates per crash', `≤ ${bound}`, maxPerCrash, maxPerCrash <= bound),
        check(
          'records not from the input',
          0,
          result.unexpected + ledger.unparsable,
          result.unexpected + ledger.unparsable === 0,
        ),
        check('files left in input', 0, leftInInput, leftInInput === 0),
        check(
          'input files archived',
          files,
          archived - extraArchiveCopies.length,
          archived - extraArchiveCopies.length === files,
        ),
        check(ARCHIVE_COPIES_CHECK, 0, extraArchiveCopies.length, extraArchiveCopies.length === 0),
        check('files quarantined', 0, quarantined, quarantined === 0),
      ],
      figures: {
        'records in input': result.expected,
        'records read back': result.readBack,
        lost: result.lost,
        'duplicates (extra copies)': result.duplicated,
        'duplicates per crash (max / mean)': `${maxPerCrash} / ${(result.duplicated / Math.max(1, killed)).toFixed(0)}`,
        'duplicates per crash (each)': duplicatesPerCrash.join(' '),
        'duplicate bound per crash': `${bound} = maxInFlight ${MAX_IN_FLIGHT} × maxBatchRecords ${MAX_BATCH_RECORDS} + runner buffer ${RUNNER_BUFFER} + one source batch ${SOURCE_BATCH}`,
        'delay seed': `${seed} (OFFLOADER_TEST_SEED=${seed} repeats the delays)`,
        'kill uptimes ms': killLog
          .filter((entry) => entry.killed)
          .map((entry) => entry.uptimeMs)
          .join(' '),
        'final run': `exit ${finalRun.code} in ${(finalRun.ms / 1000).toFixed(1)} s`,
        'proxy PutRecords requests': backend.proxy.counters.putRecordsRequests,
        'wall time s': ((Date.now() - started) / 1000).toFixed(1),
      },
      notes: finishedEarly ? ['the pipeline finished before every planned kill: fewer kills than planned'] : [],
    };
  } finally {
    reader.close();
    await backend.close();
  }
}
