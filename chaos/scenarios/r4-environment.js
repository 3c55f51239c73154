import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kinesisSink, runCli, writePipeline } from '../lib/cli.js';
import { dataRow, rowId } from '../lib/offload.js';
import { DATA_STREAM, dataminerSource, listFiles, readEvents } from './common.js';
import { HOSTILE_CONFIG_CASES } from './r4-hostile-config.js';

/**
 * R4 environment cases: the archive or quarantine folder is a tmpfs mounted read-only or 1 MiB small (and full).
 * Each case runs its own pipeline twice with `--once` (the second run proves a delivered file is not sent again).
 * When `mount` is not permitted the case is reported as not run (`notRun: true`, `pass: false`) with the reason:
 * a case that could not run proves nothing and must never count as a pass.
 */
/** The environment cases (mounts), then hostile endpoints and configuration, in run order. */
const MOUNT_CASES = [
  {
    tag: 'env1',
    what: 'read-only archive folder (tmpfs mounted ro)',
    mountAt: 'archive',
    mountOptions: 'ro,size=1m',
    rows: 4,
    badRows: 0,
    expectText: '4 rec once; STORAGE_UNWRITABLE; stays, not re-sent',
    expectEvent: 'STORAGE_UNWRITABLE',
  },
  {
    tag: 'env2',
    what: 'full disk: 1 MiB tmpfs archive, 2 MiB file',
    mountAt: 'archive',
    mountOptions: 'size=1m',
    rows: 16_000,
    badRows: 0,
    expectText: '16000 rec once; STORAGE_UNWRITABLE; stays, no partial copy',
    expectEvent: 'STORAGE_UNWRITABLE',
  },
  {
    tag: 'env3',
    what: 'full disk: quarantine on a full 1 MiB tmpfs, file with a bad row',
    mountAt: 'quarantine',
    mountOptions: 'size=1m',
    fill: true,
    rows: 4,
    badRows: 1,
    expectText: '4 rec once; error event; bad row kept (stays)',
    expectEvent: undefined,
  },
];

export const ENVIRONMENT_CASES = [...MOUNT_CASES, ...HOSTILE_CONFIG_CASES];

export async function runEnvironmentEntries({ dir, backend, readers, ledger, firstNumber }) {
  const cases = ENVIRONMENT_CASES;
  const rows = [];
  for (const [index, spec] of cases.entries()) {
    const n = firstNumber + index;
    if (spec.run) {
      const caseDir = join(dir, `env-${spec.tag}`);
      const { actual, pass } = await spec.run(caseDir, spec);
      rows.push({ n, what: spec.what, expected: spec.expectText, actual, pass });
      continue;
    }
    rows.push(await runCase(dir, { ...spec, n }, { backend, readers, ledger }));
  }
  return rows;
}

async function runCase(dir, spec, { backend, readers, ledger }) {
  const caseDir = join(dir, `env-${spec.tag}`);
  const mountPoint = join(caseDir, spec.mountAt);
  await mkdir(mountPoint, { recursive: true });
  const row = { n: spec.n, what: spec.what, expected: spec.expectText };
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', spec.mountOptions, 'tmpfs', mountPoint], { stdio: 'pipe' });
  } catch (error) {
    const reason = String(error.stderr || error.message)
      .trim()
      .split('\n')[0];
    return { ...row, actual: `NOT RUN: mount not permitted (${reason})`, pass: false, notRun: true };
  }
  try {
    if (spec.fill) {
      try {
        await writeFile(join(mountPoint, 'filler.bin'), Buffer.alloc(2 * 1024 * 1024));
      } catch {
        // ENOSPC is the point: the disk is now full
      }
    }
    const input = join(caseDir, 'in', 'Data');
    await mkdir(input, { recursive: true });
    const lines = [];
    for (let r = 0; r < spec.rows; r++) lines.push(dataRow(rowId(spec.tag, 0, r), 0, r));
    for (let b = 0; b < spec.badRows; b++) lines.push(`bad row ${b}`);
    const name = `${spec.tag}.csv`;
    await writeFile(join(input, name), `${lines.join('\r\n')}\r\n`);
    const pipeline = await writePipeline(caseDir, {
      name: `chaos-r4-${spec.tag}`,
      sources: [dataminerSource()],
      sink: kinesisSink(backend.proxy.endpoint, { data: DATA_STREAM }),
    });
    const exits = [];
    for (const attempt of [1, 2])
      exits.push(await runCli(pipeline, { logDir: caseDir, tag: `run-${attempt}`, timeoutMs: 60_000 }));
    for (const reader of readers) await reader.drain((data) => ledger.addPayload(data));
    const ids = Array.from({ length: spec.rows }, (_, r) => rowId(spec.tag, 0, r));
    const missing = ids.filter((id) => !ledger.copies.has(id)).length;
    const dupes = ids.reduce((sum, id) => sum + Math.max(0, (ledger.copies.get(id) ?? 0) - 1), 0);
    const events = await readEvents(join(caseDir, 'state'));
    const errorCodes = [
      ...new Set(events.filter((e) => e.severity === 'error' || e.severity === 'critical').map((e) => e.code)),
    ];
    const stays = (await listFiles(input)).includes(name);
    const archived = (await listFiles(join(caseDir, 'archive'))).filter((rel) => rel.endsWith(name));
    const quarantined = (await listFiles(join(caseDir, 'quarantine'))).filter((rel) => rel.includes(name));
    let rejectedKept = spec.badRows === 0;
    for (const rel of quarantined) {
      if ((await readFile(join(caseDir, 'quarantine', rel), 'utf8').catch(() => '')).includes('bad row'))
        rejectedKept = true;
    }
    if (stays) rejectedKept = true;
    const crashed = exits.filter((exit) => exit.code === null || exit.code > 1).length;
    const problems = [];
    if (missing) problems.push(`${missing} missing`);
    if (dupes) problems.push(`${dupes} duplicates`);
    if (spec.expectEvent && !errorCodes.includes(spec.expectEvent)) problems.push(`no ${spec.expectEvent} event`);
    if (!spec.expectEvent && errorCodes.length === 0) problems.push('no error event');
    if (!stays) problems.push(spec.badRows ? 'file archived' : 'file gone');
    if (archived.length && spec.mountAt === 'archive')
      problems.push(`partial/extra copy in archive: ${archived.join(', ')}`);
    if (!rejectedKept) problems.push('bad row lost');
    if (crashed) problems.push(`${crashed} run(s) crashed`);
    return {
      ...row,
      actual: `${ids.length - missing} rec, ${dupes} dup; ${errorCodes.join('+') || 'no error event'}; ${
        stays ? 'stays' : 'gone'
      }; exits ${exits.map((exit) => exit.code).join('/')}${problems.length ? ` — ${problems.join(', ')}` : ''}`,
      pass: problems.length === 0,
    };
  } finally {
    try {
      execFileSync('umount', [mountPoint], { stdio: 'pipe' });
    } catch {
      // nothing mounted
    }
  }
}
