import { existsSync } from 'node:fs';
import { appendFile, chmod, mkdir, readFile, rm, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kinesisSink, sleep, startCli, waitFor, writePipeline } from '../lib/cli.js';
import { StreamReader, startBackend } from '../lib/kinesis.js';
import { Ledger } from '../lib/ledger.js';
import { dataRow, rowId } from '../lib/offload.js';
import { check, table } from '../lib/report.js';
import { DATA_STREAM, dataminerSource, listFiles, readEvents } from './common.js';
import { buildCorpus } from './r4-corpus.js';
import { runEnvironmentEntries } from './r4-environment.js';

export const CUSTOM_STREAM = 'chaos-custom';

/**
 * R4 bad inputs: the corpus of {@link buildCorpus} is put in one offload folder (plus a custom-files folder) and a
 * continuously running pipeline reads it while one file grows and another is deleted mid-read. Each entry is then
 * compared with its expected outcome (records, events, quarantine, where the file ended up); the process must
 * stay up until it is stopped. Environment entries (read-only archive, full disks) run in their own pipelines.
 */
export async function runBadInputScenario({
  workDir,
  includeEnvironment = true,
  deleteRows = 60_000,
  waitMs = 60_000,
  quietMs = 3000,
}) {
  const dir = join(workDir, 'r4-bad-inputs');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const corpus = buildCorpus({ deleteRows });
  const backend = await startBackend({ streams: [DATA_STREAM, CUSTOM_STREAM] });
  const readers = [DATA_STREAM, CUSTOM_STREAM].map((stream) => new StreamReader(backend.local.endpoint, stream));
  const ledger = new Ledger();
  const drain = async () => {
    for (const reader of readers) await reader.drain((data) => ledger.addPayload(data));
  };
  let run;
  try {
    const past = Date.now() / 1000 - 60;
    for (const entry of corpus) {
      const folder = join(dir, entry.dir === 'custom' ? 'custom' : join('in', entry.dir));
      await mkdir(folder, { recursive: true });
      entry.path = join(folder, entry.name);
      if (entry.link?.outside) {
        const target = join(dir, 'outside', entry.name);
        await mkdir(join(dir, 'outside'), { recursive: true });
        await writeFile(target, entry.content);
        await utimes(target, past + entry.n, past + entry.n);
        await symlink(target, entry.path);
      } else {
        await writeFile(entry.path, entry.content);
        if (entry.special !== 'append') await utimes(entry.path, past + entry.n, past + entry.n);
      }
      if (entry.link?.alias) await symlink(entry.name, join(folder, entry.link.alias));
      if (entry.special === 'unreadable') await chmod(entry.path, 0o000);
      entry.content = undefined;
    }
    const pipeline = await writePipeline(dir, {
      name: 'chaos-r4',
      sources: [
        dataminerSource({ complete: { mode: 'stable', settleMs: 1000 } }),
        {
          type: 'custom',
          id: 'custom',
          options: {
            path: './custom',
            allowedStreams: [CUSTOM_STREAM],
            complete: { mode: 'stable', settleMs: 1000 },
            pollIntervalMs: 100,
            afterDelivery: 'archive',
            archivePath: './archive-custom',
            quarantinePath: './quarantine-custom',
          },
        },
      ],
      sink: kinesisSink(backend.proxy.endpoint, { data: DATA_STREAM, custom: CUSTOM_STREAM }),
    });
    run = startCli(pipeline, { logDir: dir, tag: 'run', args: [] });
    let exit;
    run.exited.then((result) => {
      exit = result;
    });
    const growing = corpus.find((entry) => entry.special === 'append');
    const appender = (async () => {
      for (let r = 2; r < 22; r++) {
        await sleep(150);
        await appendFile(growing.path, `${dataRow(rowId(growing.tag, 0, r), 0, r)}\r\n`);
      }
    })();
    const doomed = corpus.find((entry) => entry.special === 'delete');
    const claim = join(dir, 'in', '.offloader-claims', `${encodeURIComponent(`Data/${doomed.name}`)}.claim`);
    let deletedMidRead = false;
    const deleter = (async () => {
      if (await waitFor(() => existsSync(claim), { timeoutMs: 30_000, everyMs: 2 })) {
        await unlink(doomed.path).catch(() => undefined);
        deletedMidRead = true;
      }
    })();
    await Promise.all([appender, deleter]);
    const mustArrive = corpus.flatMap((entry) => entry.expect.delivered.map((r) => rowId(entry.tag, 0, r)));
    await waitFor(
      async () => {
        await drain();
        return exit || mustArrive.every((id) => ledger.copies.has(id));
      },
      { timeoutMs: waitMs, everyMs: 200 },
    );
    // Quiet period: anything still to come (late rejections, moves, duplicates) gets time to happen.
    await sleep(quietMs);
    await drain();
    const aliveUntilStopped = exit === undefined;
    run.child.kill('SIGTERM');
    const finalExit = await run.exited;
    await drain();
    const outcomes = await evaluate(dir, corpus, ledger, { deletedMidRead });
    const environment = includeEnvironment
      ? await runEnvironmentEntries({ dir, backend, readers, ledger, firstNumber: corpus.length + 1 })
      : [];
    const all = [...outcomes, ...environment];
    const notRun = all.filter((outcome) => outcome.notRun);
    const failing = all.filter((outcome) => !outcome.pass && !outcome.notRun);
    const ran = all.length - notRun.length;
    const stderr = await readFile(join(dir, 'run.err.log'), 'utf8');
    const crashText = /Uncaught|FATAL|Unhandled|TypeError|RangeError/.exec(stderr)?.[0];
    return {
      id: 'R4',
      title:
        `bad inputs: ${all.length} corpus entries (${corpus.length} files, ${environment.length} environment cases` +
        `${notRun.length ? `, ${notRun.length} not run` : ''})`,
      workDir: dir,
      outcomes: all,
      checks: [
        check('corpus entries', '≥ 40', all.length, all.length >= 40),
        check('process up until stopped', 'yes', aliveUntilStopped ? 'yes' : `exited ${exit?.code}`, aliveUntilStopped),
        check(
          'exit after SIGTERM (1 = files were quarantined)',
          '0 or 1',
          finalExit.code,
          finalExit.code === 0 || finalExit.code === 1,
        ),
        check('crash traces in stderr', 'none', crashText ?? 'none', !crashText),
        check('entries with the expected outcome', ran, ran - failing.length, failing.length === 0),
        // Not a failure of Offloader, but never a pass either: the report shows them apart with the reason.
        check('entries not run (environment did not allow them)', 0, notRun.length, true),
        ...failing.map((outcome) => check(`#${outcome.n} ${outcome.what}`, outcome.expected, outcome.actual, false)),
      ],
      figures: {
        'outcome table': `\n${table(
          ['#', 'entry', 'expected', 'actual', 'ok'],
          all.map((o) => [
            o.n,
            o.what.slice(0, 62),
            o.expected,
            o.actual,
            o.notRun ? 'NOT RUN' : o.pass ? 'ok' : 'FAIL',
          ]),
        )}`,
      },
    };
  } finally {
    if (run && run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    for (const reader of readers) reader.close();
    await backend.close();
  }
}

/** Compares each entry with its expectation; returns rows {n, what, expected, actual, pass}. */
async function evaluate(dir, corpus, ledger, { deletedMidRead }) {
  const events = await readEvents(join(dir, 'state'));
  const quarantine = [
    ...(await listFiles(join(dir, 'quarantine'))).map((rel) => join(dir, 'quarantine', rel)),
    ...(await listFiles(join(dir, 'quarantine-custom'))).map((rel) => join(dir, 'quarantine-custom', rel)),
  ];
  const archive = [...(await listFiles(join(dir, 'archive'))), ...(await listFiles(join(dir, 'archive-custom')))];
  const input = [...(await listFiles(join(dir, 'in'))), ...(await listFiles(join(dir, 'custom')))];
  const rows = [];
  for (const entry of corpus) {
    const { expect } = entry;
    const base = (path) => path.split('/').pop();
    const arrived = [...ledger.copies.entries()].filter(([id]) => id.startsWith(`${entry.tag}f0r`));
    const wanted = new Set(expect.delivered.map((r) => rowId(entry.tag, 0, r)));
    const missing = [...wanted].filter((id) => !ledger.copies.has(id)).length;
    const extra = arrived.filter(([id]) => !wanted.has(id)).length;
    const dupes = arrived.reduce((sum, [, copies]) => sum + copies - 1, 0);
    const fileEvents = events
      .filter((event) => event.file && base(event.file) === entry.name)
      .map((event) => event.code);
    const codes = [...new Set(fileEvents)].sort();
    const whole = quarantine.filter((path) => base(path) === entry.name);
    const rejected = quarantine.filter((path) => base(path).startsWith(`${entry.name}.rejected`));
    // `<name>.rejected.csv` (rows as read) and `<name>.rejected.jsonl` (reasons) hold the same rows: count one.
    let rejectedLines = 0;
    for (const path of rejected) {
      const lines = (await readFile(path, 'latin1')).split('\n').filter((l) => l.length > 0).length;
      rejectedLines = Math.max(rejectedLines, lines);
    }
    const place = input.some((rel) => base(rel) === entry.name)
      ? 'stays'
      : archive.some((rel) => base(rel) === entry.name)
        ? 'archived'
        : whole.length
          ? 'quarantined'
          : 'gone';
    const quarantineSeen = whole.length ? 'whole' : rejected.length ? `rows:${rejectedLines}` : 'none';
    const problems = [];
    if (expect.deliveredAtMost !== undefined) {
      if (arrived.length > expect.deliveredAtMost)
        problems.push(`${arrived.length} records > ${expect.deliveredAtMost}`);
    } else {
      if (missing) problems.push(`${missing} good rows missing`);
      if (extra) problems.push(`${extra} bad rows delivered`);
    }
    if (dupes) problems.push(`${dupes} duplicates`);
    for (const code of expect.events) if (!codes.includes(code)) problems.push(`no ${code} event`);
    if (expect.eventsAny && !expect.eventsAny.some((code) => codes.includes(code))) {
      problems.push(`none of ${expect.eventsAny.join('/')} events`);
    }
    if (expect.quarantine === 'whole-or-rows') {
      if (quarantineSeen === 'none') problems.push('not quarantined');
    } else if (expect.quarantine !== quarantineSeen) problems.push(`quarantine ${quarantineSeen}`);
    const placeOk =
      expect.input === 'archived-or-quarantined'
        ? place === 'archived' || place === 'quarantined'
        : place === expect.input;
    if (!placeOk) problems.push(`file ${place}`);
    if (entry.special === 'delete' && !deletedMidRead) problems.push('could not delete it while it was read');
    rows.push({
      n: entry.n,
      what: entry.what,
      expected: describe(expect),
      actual: `${arrived.length} rec; ${codes.join('+') || 'no event'}; q ${quarantineSeen}; ${place}${
        problems.length ? ` — ${problems.join(', ')}` : ''
      }`,
      pass: problems.length === 0,
    });
  }
  return rows;
}

function describe(expect) {
  const records =
    expect.deliveredAtMost !== undefined ? `≤${expect.deliveredAtMost} rec` : `${expect.delivered.length} rec`;
  const events = [...expect.events, ...(expect.eventsAny ? [expect.eventsAny.join('|')] : [])].join('+') || 'no event';
  return `${records}; ${events}; q ${expect.quarantine}; ${expect.input}`;
}
