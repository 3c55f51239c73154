import { describe, expect, it } from 'vitest';
import { formatResult } from '../lib/report.js';
import { runCrashConsistencyScenario } from '../scenarios/r5-crash-consistency.js';
import { failures, workFolder } from './helpers.js';

describe('R5 crash consistency (short: 4 cases, each damage once, checkpoint and claims)', () => {
  const workDir = workFolder('r5');

  it('comes up by itself after every kill and damaged state, and loses no record', async () => {
    const result = await runCrashConsistencyScenario({ workDir, cases: 4, seed: 17, rowsPerFile: 1500 });
    expect(failures(result), formatResult(result)).toEqual([]);
  }, 420_000);
});
