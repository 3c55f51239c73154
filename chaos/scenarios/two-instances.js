import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { kinesisSink, sleep, startCli, waitFor, writePipeline } from '../lib/cli.js';
import { StreamReader, startBackend } from '../lib/kinesis.js';
import { Ledger } from '../lib/ledger.js';
import { expectedIds, writeDataFiles } from '../lib/offload.js';
import { check } from '../lib/report.js';
import { DATA_STREAM, dataminerSource, listFiles } from './common.js';

/** Continuous mode: how long both instances keep polling after the last record arrived. */
const QUIET_POLLS_MS = 2000;

/**
 * Two instances on one folder: two CLI processes (each with its own pipeline file and state folder, like two
 * services on one share) start together with `--once` over the same offload folder. Claims must make each file go
 * to exactly one of them: from the read-back, every file's rows must appear exactly once.
 */
export async function runTwoInstancesScenario({ workDir, files, rowsPerFile, afterDelivery = 'archive', once = true }) {
  const mode = once ? 'once' : 'continuous';
  const dir = join(workDir, `two-instances-${afterDelivery}-${mode}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const backend = await startBackend({ streams: [DATA_STREAM] });
  const reader = new StreamReader(backend.local.endpoint, DATA_STREAM);
  const ledger = new Ledger();
  try {
    const written = await writeDataFiles(join(dir, 'in'), { files, rowsPerFile, tag: 't' });
    const instances = [];
    for (const name of ['a', 'b']) {
      const instanceDir = join(dir, name);
      const pipeline = await writePipeline(instanceDir, {
        name: `chaos-two-${name}`,
        sources: [
          dataminerSource({
            path: '../in',
            afterDelivery,
            archivePath: '../archive',
            quarantinePath: '../quarantine',
            batchSize: 100,
          }),
        ],
        sink: kinesisSink(backend.proxy.endpoint, { data: DATA_STREAM }),
        log: { level: 'info' },
      });
      instances.push({ name, pipeline, instanceDir });
    }
    const runs = instances.map(({ pipeline, instanceDir, name }) =>
      startCli(pipeline, { logDir: instanceDir, tag: `instance-${name}`, args: once ? ['--once'] : [] }),
    );
    if (!once) {
      // Continuous mode: both keep polling; stop them (SIGTERM, graceful) once everything arrived and a few more
      // polls found nothing new to send.
      const expected = files * rowsPerFile;
      await waitFor(
        async () => {
          await reader.drain((data) => ledger.addPayload(data));
          return ledger.total >= expected;
        },
        { timeoutMs: 60_000, everyMs: 200 },
      );
      await sleep(QUIET_POLLS_MS);
      for (const run of runs) run.child.kill('SIGTERM');
    }
    const exits = await Promise.all(runs.map((run) => run.exited));
    await reader.drain((data) => ledger.addPayload(data));
    const result = ledger.compare(expectedIds('t', written));
    const copies = ledger.maxCopiesPerFile();
    const sentTwice = [...copies.values()].filter((count) => count > 1).length;
    const { readFile } = await import('node:fs/promises');
    const deliveredBy = [];
    for (const { name, instanceDir } of instances) {
      const log = await readFile(join(instanceDir, `instance-${name}.err.log`), 'utf8');
      deliveredBy.push(`${name}: ${(log.match(/"file delivered"/g) ?? []).length}`);
    }
    const leftInInput = (await listFiles(join(dir, 'in'))).length;
    const checks = [
      check(
        'both exit codes',
        once ? '0 0' : '0 0 (after SIGTERM)',
        exits.map((exit) => exit.code).join(' '),
        exits.every((exit) => exit.code === 0),
      ),
      check('records lost', 0, result.lost, result.lost === 0),
      check('files sent more than once', 0, sentTwice, sentTwice === 0),
      check('duplicated records', 0, result.duplicated, result.duplicated === 0),
    ];
    if (afterDelivery !== 'keep') checks.push(check('files left in input', 0, leftInInput, leftInInput === 0));
    return {
      id: `T2-${afterDelivery}-${mode}`,
      title: `two instances on one folder (afterDelivery: ${afterDelivery}, ${mode}): ${files} files × ${rowsPerFile} rows`,
      workDir: dir,
      checks,
      figures: {
        'files delivered per instance (from logs)': deliveredBy.join(', '),
        'files whose rows were read back more than once': sentTwice,
        'records read back': result.readBack,
        'run times s': exits.map((exit) => (exit.ms / 1000).toFixed(1)).join(' / '),
      },
    };
  } finally {
    reader.close();
    await backend.close();
  }
}
