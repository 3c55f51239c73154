#!/usr/bin/env node
// `npm run chaos`: every reliability and bad-input scenario end to end at full size, then the secrets scan over
// everything they wrote. Sizes can be lowered for a quick look: CHAOS_R1_RECORDS, CHAOS_R1_KILLS,
// CHAOS_R2_OUTAGE_MS, CHAOS_R3_RECORDS, CHAOS_R5_CASES (CHAOS_R5_SEED repeats R5's random choices); CHAOS_ONLY=R1,R4
// runs a subset; CHAOS_DIR sets the work folder.
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatResult, passed, table } from './lib/report.js';
import { runCrashScenario } from './scenarios/r1-crash.js';
import { runOutageScenario } from './scenarios/r2-outage.js';
import { runFailuresScenario } from './scenarios/r3-failures.js';
import { runBadInputScenario } from './scenarios/r4-bad-inputs.js';
import { runCrashConsistencyScenario } from './scenarios/r5-crash-consistency.js';
import { runSecretsScenario } from './scenarios/s1-secrets.js';
import { runTwoInstancesScenario } from './scenarios/two-instances.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const env = (name, fallback) => Number(process.env[name] ?? fallback);
const workDir = process.env.CHAOS_DIR ?? join(tmpdir(), `offloader-chaos-${Date.now()}`);
const only = process.env.CHAOS_ONLY?.split(',').map((id) => id.trim().toUpperCase());
await mkdir(workDir, { recursive: true });
process.stdout.write(`chaos work folder: ${workDir}\n\n`);

const scenarios = [
  [
    'R1',
    () => runCrashScenario({ workDir, records: env('CHAOS_R1_RECORDS', 1_000_000), kills: env('CHAOS_R1_KILLS', 50) }),
  ],
  [
    'R2',
    () =>
      runOutageScenario({
        workDir,
        recordsBefore: 100_000,
        recordsDuring: 20_000,
        outageMs: env('CHAOS_R2_OUTAGE_MS', 120_000),
      }),
  ],
  ['R3', () => runFailuresScenario({ workDir, records: env('CHAOS_R3_RECORDS', 100_000) })],
  ['R4', () => runBadInputScenario({ workDir })],
  ['R5', () => runCrashConsistencyScenario({ workDir, cases: env('CHAOS_R5_CASES', 200) })],
  ['T2', () => runTwoInstancesScenario({ workDir, files: 200, rowsPerFile: 500 })],
  ['T2', () => runTwoInstancesScenario({ workDir, files: 200, rowsPerFile: 500, once: false })],
  ['T2', () => runTwoInstancesScenario({ workDir, files: 60, rowsPerFile: 200, afterDelivery: 'keep', once: false })],
];

const results = [];
for (const [id, run] of scenarios) {
  if (only && !only.includes(id)) continue;
  const started = Date.now();
  process.stdout.write(`-- running ${id} …\n`);
  try {
    const result = await run();
    results.push(result);
    process.stdout.write(`${formatResult(result)}(${((Date.now() - started) / 1000).toFixed(0)} s)\n\n`);
  } catch (error) {
    const result = {
      id,
      title: 'scenario aborted',
      checks: [{ name: 'ran to the end', expected: 'yes', actual: String(error?.stack ?? error), pass: false }],
    };
    results.push(result);
    process.stdout.write(`${formatResult(result)}\n`);
  }
}
if (!only || only.includes('S1')) {
  const roots = results.map((result) => result.workDir).filter(Boolean);
  const result = await runSecretsScenario({ workDir, roots });
  results.push(result);
  process.stdout.write(`${formatResult(result)}\n`);
}

process.stdout.write(
  `== Summary\n${table(
    ['scenario', 'result', 'failed checks'],
    results.map((result) => [
      `${result.id} ${result.title}`,
      passed(result) ? 'PASS' : 'FAIL',
      result.checks
        .filter((c) => !c.pass)
        .map((c) => c.name)
        .join('; ') || '-',
    ]),
  )}\n`,
);
process.exitCode = results.every(passed) ? 0 : 1;
