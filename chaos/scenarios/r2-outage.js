import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kinesisSink, sleep, startCli, waitFor, writePipeline } from '../lib/cli.js';
import { StreamReader, startBackend } from '../lib/kinesis.js';
import { Ledger } from '../lib/ledger.js';
import { expectedIds, writeDataFiles } from '../lib/offload.js';
import { check } from '../lib/report.js';
import { DATA_STREAM, dataminerSource, listFiles, readEvents } from './common.js';

/**
 * R2 outage: a continuously running pipeline is delivering when the endpoint disappears (the proxy stops
 * listening and drops its sockets: connections are refused) for `outageMs`, then returns. More files arrive during
 * the outage. Checks: 0 lost, the same process resumes by itself, the events show the outage start and end, and
 * no file leaves the input folder before its records were delivered. The status server's /metrics, /events and
 * /health are saved for the secrets scan.
 */
export async function runOutageScenario({ workDir, recordsBefore, recordsDuring, outageMs, rowsPerFile = 5000 }) {
  const dir = join(workDir, 'r2-outage');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const backend = await startBackend({ streams: [DATA_STREAM] });
  const reader = new StreamReader(backend.local.endpoint, DATA_STREAM);
  const ledger = new Ledger();
  const input = join(dir, 'in');
  let run;
  try {
    const first = await writeDataFiles(input, {
      files: Math.ceil(recordsBefore / rowsPerFile),
      rowsPerFile: Math.min(rowsPerFile, recordsBefore),
      tag: 'o',
    });
    const pipeline = await writePipeline(dir, {
      name: 'chaos-r2',
      sources: [dataminerSource()],
      sink: kinesisSink(backend.proxy.endpoint, { data: DATA_STREAM }, { connectTimeoutMs: 1000 }),
      http: { port: 0 },
    });
    run = startCli(pipeline, { logDir: dir, tag: 'run', args: [] });
    let exit;
    run.exited.then((result) => {
      exit = result;
    });
    const statusUrl = await waitForStatusUrl(join(dir, 'run.err.log'), () => exit);
    await waitFor(() => exit || backend.proxy.counters.recordsSucceeded > 0, { timeoutMs: 30_000, everyMs: 5 });
    const deliveredBeforeOutage = backend.proxy.counters.recordsSucceeded;
    const outageStart = Date.now();
    await backend.proxy.setOutage(true);
    const during = await writeDataFiles(input, {
      files: Math.ceil(recordsDuring / rowsPerFile),
      rowsPerFile: Math.min(rowsPerFile, recordsDuring),
      tag: 'o',
      firstFile: first.length,
    });
    await sleep(Math.max(0, outageMs - (Date.now() - outageStart)) / 2);
    const healthDuring = await fetchText(`${statusUrl}/health`);
    await sleep(Math.max(0, outageMs - (Date.now() - outageStart)));
    const inputAtOutageEnd = await listFiles(input);
    const archivedAtOutageEnd = await listFiles(join(dir, 'archive'));
    const lateFilesStillThere = during.filter((file) => inputAtOutageEnd.some((rel) => file.path.endsWith(rel))).length;
    const succeededAtOutageEnd = backend.proxy.counters.recordsSucceeded;
    await backend.proxy.setOutage(false);
    const outageEnd = Date.now();
    const expectedTotal = (first.length + during.length) * Math.min(rowsPerFile, recordsBefore, recordsDuring);
    let resumedAt;
    await waitFor(
      async () => {
        if (!resumedAt && backend.proxy.counters.recordsSucceeded > succeededAtOutageEnd) resumedAt = Date.now();
        await reader.drain((data) => ledger.addPayload(data));
        return exit || ledger.copies.size >= expectedTotal;
      },
      { timeoutMs: 120_000 + outageMs, everyMs: 100 },
    );
    // Let the last files be archived before the status pages are saved and the pipeline is stopped.
    await waitFor(async () => (await listFiles(input)).length === 0, { timeoutMs: 15_000, everyMs: 100 });
    await sleep(300);
    for (const page of ['metrics', 'events', 'health']) {
      await writeFile(join(dir, `status-${page}.txt`), await fetchText(`${statusUrl}/${page}`));
    }
    const samePid = exit === undefined;
    run.child.kill('SIGTERM');
    const finalExit = await run.exited;
    await reader.drain((data) => ledger.addPayload(data));
    const result = ledger.compare(expectedIds('o', [...first, ...during]));
    const events = await readEvents(join(dir, 'state'));
    const unreachable = events.find(
      (event) => event.code === 'STREAM_UNREACHABLE' && Date.parse(event.firstTime ?? event.time) >= outageStart - 1000,
    );
    const recovered = events.find(
      (event) => event.code === 'STREAM_RECOVERED' && Date.parse(event.time) >= outageEnd - 100,
    );
    const leftInInput = (await listFiles(input)).length;
    const quarantined = (await listFiles(join(dir, 'quarantine'))).length;
    return {
      id: 'R2',
      title: `outage: endpoint refuses connections for ${(outageMs / 1000).toFixed(0)} s mid-delivery`,
      workDir: dir,
      checks: [
        check('records lost', 0, result.lost, result.lost === 0),
        check('resumed by itself (same process, no restart)', 'yes', samePid ? 'yes' : `exited ${exit?.code}`, samePid),
        check('outage start event STREAM_UNREACHABLE', 'present', unreachable ? 'present' : 'absent', unreachable),
        check('outage end event STREAM_RECOVERED', 'present', recovered ? 'present' : 'absent', recovered),
        check(
          'files written during the outage still in input at its end',
          during.length,
          lateFilesStillThere,
          lateFilesStillThere === during.length,
        ),
        check('files left in input after recovery', 0, leftInInput, leftInInput === 0),
        check('files quarantined', 0, quarantined, quarantined === 0),
        check('exit code after SIGTERM', 0, finalExit.code, finalExit.code === 0),
      ],
      figures: {
        'records in input': result.expected,
        'records read back': result.readBack,
        lost: result.lost,
        'duplicates (extra copies)': result.duplicated,
        'delivered before the outage': deliveredBeforeOutage,
        'delivered when the outage ended': succeededAtOutageEnd,
        'files in input / archive at outage end': `${inputAtOutageEnd.length} / ${archivedAtOutageEnd.length}`,
        'sockets dropped by the outage': backend.proxy.counters.socketsDropped,
        '/health during the outage': healthDuring.replace(/\s+/g, ' ').slice(0, 160),
        'first delivery after the endpoint returned (s)': resumedAt
          ? ((resumedAt - outageEnd) / 1000).toFixed(1)
          : 'never',
        'outage events': events
          .filter((event) =>
            ['STREAM_UNREACHABLE', 'STREAM_RECOVERED', 'SINK_RETRIES_EXHAUSTED', 'FILE_DELIVERY_FAILED'].includes(
              event.code,
            ),
          )
          .map(
            (event) =>
              `${event.code}@${new Date(Date.parse(event.firstTime ?? event.time) - outageStart).toISOString().slice(14, 21)}`,
          )
          .join(', ')
          .concat(' (mm:ss.s after outage start)'),
      },
    };
  } finally {
    if (run && run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    reader.close();
    await backend.close();
  }
}

async function waitForStatusUrl(errLog, exited) {
  let url;
  await waitFor(
    async () => {
      if (exited()) return true;
      const text = await readFile(errLog, 'utf8').catch(() => '');
      url = /status: (http:\/\/[^/\s]+)/.exec(text)?.[1];
      return Boolean(url);
    },
    { timeoutMs: 30_000, everyMs: 50 },
  );
  if (!url) throw new Error(`R2: the pipeline printed no status URL (see ${errLog})`);
  return url;
}

async function fetchText(url) {
  try {
    const response = await fetch(url);
    return await response.text();
  } catch (error) {
    return `fetch failed: ${error.message}`;
  }
}
