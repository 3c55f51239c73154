import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kinesisSink, runCli, sleep, startCli, waitFor, writePipeline } from '../lib/cli.js';
import { StreamReader, settleBackend, startBackend } from '../lib/kinesis.js';
import { Ledger } from '../lib/ledger.js';
import { expectedIds, writeDataFiles } from '../lib/offload.js';
import { check, table } from '../lib/report.js';
import { DATA_STREAM, dataminerSource, listFiles, readEvents, seededRandom } from './common.js';

/** What is damaged after a kill: the source's checkpoint, or every claim and done marker of the folder. */
const TARGETS = ['checkpoint', 'claims'];
/** How: removed, emptied, cut in half, or replaced by the version it replaced. */
const DAMAGES = ['removed', 'empty', 'half', 'previous'];
/** Every target with every damage, ordered so that any 4 consecutive cases cover each damage once, both targets. */
const COMBINATIONS = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({
  target: TARGETS[(i + (i >> 2)) % 2],
  damage: DAMAGES[i % 4],
}));
/**
 * A run that delivered nothing for this long after its start did not come up (generous: a loaded 2-core box can
 * take 15 s just to start node and the SDK).
 */
const COME_UP_TIMEOUT_MS = 120_000;

/**
 * R5 crash consistency: a delivery (CLI child process, `--once`, → fault proxy → kinesalite) is SIGKILLed at a
 * random moment after it delivered something, then — before the restart — the state it wrote is damaged the ways
 * a power cut or a disk fault can leave it: the checkpoint, or every claim and done marker, removed, emptied, cut in
 * half, or replaced by its previous version. The restart must come up by itself (deliver, or finish with exit 0),
 * and at the end no record may be missing. Every file of the target kind is damaged, synced or not: a superset of
 * what a power cut can do to writes that were on their way. Cases run in two chains, `afterDelivery: archive`
 * (checkpoints, claims) and `keep` (plus done markers). Random choices come from a seeded generator (seed printed,
 * CHAOS_R5_SEED overrides).
 */
export async function runCrashConsistencyScenario({
  workDir,
  cases,
  seed = Number(process.env.CHAOS_R5_SEED ?? 17),
  rowsPerFile = 2000,
  pendingFiles = 3,
  maxExtraDelayMs = 700,
}) {
  const dir = join(workDir, 'r5-crash-consistency');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const started = Date.now();
  const random = seededRandom(seed);
  const backend = await startBackend({ streams: [DATA_STREAM] });
  const reader = new StreamReader(backend.local.endpoint, DATA_STREAM);
  const ledger = new Ledger();
  const caseRows = [];
  const chainResults = [];
  try {
    for (const [chainIndex, afterDelivery] of ['archive', 'keep'].entries()) {
      const share = chainIndex === 0 ? Math.ceil(cases / 2) : Math.floor(cases / 2);
      const chain = await runChain({
        dir: join(dir, afterDelivery),
        afterDelivery,
        cases: share,
        firstCase: caseRows.length,
        random,
        backend,
        reader,
        ledger,
        rowsPerFile,
        pendingFiles,
        maxExtraDelayMs,
      });
      caseRows.push(...chain.cases);
      chainResults.push(chain);
    }
  } finally {
    reader.close();
    await backend.close();
  }
  const written = chainResults.flatMap((chain) => chain.written.map((file) => ({ ...file, tag: chain.tag })));
  const expected = written.flatMap((file) => [...expectedIds(file.tag, [file])]);
  const result = ledger.compare(expected);
  const notUp = caseRows.filter((row) => !row.cameUp);
  const killed = caseRows.filter((row) => row.killed).length;
  const finals = chainResults.map((chain) => chain.final);
  const finalsOk = finals.every((final) => final.code === 0);
  const recovered = chainResults.reduce((sum, chain) => sum + chain.recoveredEvents, 0);
  const perCombination = COMBINATIONS.map(({ target, damage }) => {
    const rows = caseRows.filter((row) => row.target === target && row.damage === damage && row.killed);
    const dupes = rows.map((row) => row.duplicates);
    return [
      `${target} ${damage}`,
      rows.length,
      Math.max(0, ...dupes),
      rows.length ? (dupes.reduce((a, b) => a + b, 0) / rows.length).toFixed(0) : '-',
    ];
  });
  const leftovers = chainResults.map((chain) => `${chain.afterDelivery}: ${chain.leftover}`).join('; ');
  return {
    id: 'R5',
    title: `crash consistency: ${killed} SIGKILLs, each followed by damaged state (seed ${seed})`,
    workDir: dir,
    checks: [
      check('cases (kill + damage + restart)', `≥ ${cases}`, killed, killed >= cases),
      check('records lost', 0, result.lost, result.lost === 0),
      check('restarts that did not come up by themselves', 0, notUp.length, notUp.length === 0),
      check('final runs exit code', '0 0', finals.map((final) => final.code).join(' '), finalsOk),
      check('records not from the input', 0, result.unexpected + ledger.unparsable, result.unexpected === 0),
      check(
        'files where they belong after the final run',
        'archive: all archived; keep: all in place',
        leftovers,
        chainResults.every((chain) => chain.placedRight),
      ),
    ],
    figures: {
      seed: `${seed} (CHAOS_R5_SEED=${seed} repeats the choices)`,
      'records in input': result.expected,
      'records read back': result.readBack,
      lost: result.lost,
      'duplicates (extra copies), total': result.duplicated,
      'STATE_RECOVERED events': recovered,
      'duplicates per case (each, in order)': caseRows.map((row) => row.duplicates).join(' '),
      'duplicates per target and damage': `\n${table(
        ['target damage', 'cases', 'max dupes', 'mean dupes'],
        perCombination,
      )
        .split('\n')
        .map((line) => `    ${line}`)
        .join('\n')}`,
      'runs not up (case: why)': notUp.map((row) => `${row.n}: ${row.why}`).join('; ') || '-',
      'wall time s': ((Date.now() - started) / 1000).toFixed(1),
    },
    notes: [
      'a case = one run killed (SIGKILL) at a random moment after its first acknowledged record, its state damaged, and the next run; its duplicates are the records that next run sent again',
      '"previous" for a checkpoint is its kept previous generation (.prev); for a done marker the claim it replaced; a plain claim had none, so it is removed',
    ],
  };
}

async function runChain(options) {
  const { dir, afterDelivery, cases, firstCase, random, backend, reader, ledger, rowsPerFile, pendingFiles } = options;
  const tag = afterDelivery === 'archive' ? 'r5a' : 'r5k';
  await mkdir(dir, { recursive: true });
  const pipeline = await writePipeline(dir, {
    name: `chaos-r5-${afterDelivery}`,
    sources: [dataminerSource({ afterDelivery, batchSize: 250 })],
    sink: kinesisSink(backend.proxy.endpoint, { data: DATA_STREAM }),
  });
  const input = join(dir, 'in');
  const written = [];
  const rows = [];
  let nextFile = 0;
  let pending = 0;
  for (let k = 0; rows.length < cases && k < cases * 3; k++) {
    // Keep enough input that a run is still delivering when it is killed.
    if (pending < pendingFiles) {
      const files = pendingFiles - pending + 1;
      written.push(...(await writeDataFiles(input, { files, rowsPerFile, tag, firstFile: nextFile })));
      nextFile += files;
    }
    const combination = COMBINATIONS[(firstCase + rows.length) % COMBINATIONS.length];
    const row = { n: firstCase + rows.length + 1, ...combination, killed: false, cameUp: true, duplicates: 0 };
    const before = backend.proxy.counters.recordsSucceeded;
    const run = startCli(pipeline, { logDir: dir, tag: `run-${String(k).padStart(3, '0')}` });
    let exited;
    run.exited.then((result) => {
      exited = result;
    });
    const delivered = await waitFor(() => exited || backend.proxy.counters.recordsSucceeded > before, {
      timeoutMs: COME_UP_TIMEOUT_MS,
      everyMs: 5,
    });
    // The run's records settle the previous case: the duplicates it sent are what that kill and damage cost.
    markCameUp(rows.at(-1), { delivered, exited });
    await sleep(random() * options.maxExtraDelayMs);
    if (!exited) {
      run.child.kill('SIGKILL');
      await run.exited;
      row.killed = true;
    }
    await settleBackend(backend);
    await reader.drain((data) => ledger.addPayload(data));
    const previousRow = rows.at(-1);
    if (previousRow) previousRow.duplicates = ledger.epochs[ledger.epoch].duplicates;
    ledger.nextEpoch();
    pending = (await pendingInput(dir, afterDelivery)).length;
    if (!row.killed) continue;
    await damageState(dir, row);
    rows.push(row);
  }
  const final = await runCli(pipeline, { logDir: dir, tag: 'run-final', timeoutMs: 180_000 });
  if (rows.length) markCameUp(rows.at(-1), { delivered: true, exited: final });
  await settleBackend(backend);
  await reader.drain((data) => ledger.addPayload(data));
  if (rows.length) rows.at(-1).duplicates = ledger.epochs[ledger.epoch].duplicates;
  ledger.nextEpoch();
  const inInput = await listFiles(input);
  const placedRight = afterDelivery === 'archive' ? inInput.length === 0 : inInput.length === written.length;
  const events = await readEvents(join(dir, 'state'));
  return {
    afterDelivery,
    tag,
    written,
    cases: rows,
    final,
    placedRight,
    leftover: afterDelivery === 'archive' ? `${inInput.length} left in input` : `${inInput.length} in place`,
    recoveredEvents: events
      .filter((event) => event.code === 'STATE_RECOVERED')
      .reduce((sum, event) => sum + event.count, 0),
  };
}

/** A restart came up when it delivered something, or finished its pass with exit 0. */
function markCameUp(row, { delivered, exited }) {
  if (!row) return;
  if (exited && exited.code !== 0 && exited.signal !== 'SIGKILL') {
    row.cameUp = false;
    row.why = `exit ${exited.code}: ${String(exited.stderrTail ?? '')
      .trim()
      .split('\n')
      .at(-1)}`;
  } else if (!delivered) {
    row.cameUp = false;
    row.why = `nothing delivered within ${COME_UP_TIMEOUT_MS / 1000} s`;
  }
}

/** Input files that still need delivering (archive: all left; keep: those without a done marker). */
/**
 * Input files not delivered yet. With `keep` a delivered file stays; it is done when its done marker says so
 * or the checkpoint does (`done: true`): a damaged marker alone does not make it pending, the source still
 * knows it from the checkpoint (and the other way round), so counting only markers would stop new input.
 */
async function pendingInput(dir, afterDelivery) {
  const input = join(dir, 'in');
  const files = await listFiles(input);
  if (afterDelivery === 'archive') return files;
  const done = new Set();
  for (const marker of await claimFiles(input)) {
    // The marker names its file (`file`, relative to the root); a damaged marker counts as not done.
    const body = await readJson(marker);
    if (body?.done !== undefined && typeof body.file === 'string') done.add(body.file);
  }
  for (const checkpoint of await checkpointFiles(dir)) {
    const entries = (await readJson(checkpoint))?.files ?? {};
    for (const [relPath, entry] of Object.entries(entries)) if (entry?.done === true) done.add(relPath);
  }
  return files.filter((file) => !done.has(file));
}

/** The parsed JSON of a file, or undefined when it is missing or damaged. */
function readJson(path) {
  return readFile(path, 'utf8')
    .then((text) => JSON.parse(text))
    .catch(() => undefined);
}

async function claimFiles(input) {
  const claims = join(input, '.offloader-claims');
  const names = await readdir(claims).catch(() => []);
  return names.filter((name) => name.endsWith('.claim')).map((name) => join(claims, name));
}

async function checkpointFiles(dir) {
  const checkpoints = join(dir, 'state', 'checkpoints');
  const names = await readdir(checkpoints).catch(() => []);
  return names.filter((name) => name.endsWith('.json')).map((name) => join(checkpoints, name));
}

/** Applies the case's damage to every file of its target kind. */
async function damageState(dir, row) {
  const files = row.target === 'checkpoint' ? await checkpointFiles(dir) : await claimFiles(join(dir, 'in'));
  row.files = files.length;
  for (const path of files) {
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    if (row.damage === 'removed') await rm(path, { force: true });
    else if (row.damage === 'empty') await writeFile(path, '');
    else if (row.damage === 'half') await writeFile(path, text.slice(0, Math.floor(text.length / 2)));
    else {
      const previous = await previousVersion(path, text, row.target);
      if (previous === undefined) await rm(path, { force: true });
      else await writeFile(path, previous);
    }
  }
}

/** The version a state file replaced: a checkpoint's kept generation; a done marker's claim; none for a claim. */
async function previousVersion(path, text, target) {
  if (target === 'checkpoint') return readFile(`${path}.prev`, 'utf8').catch(() => undefined);
  try {
    const body = JSON.parse(text);
    if (body.done === undefined) return undefined;
    delete body.done;
    return JSON.stringify(body);
  } catch {
    return undefined;
  }
}
