import { describe, expect, it } from 'vitest';
import { formatResult } from '../lib/report.js';
import { runTwoInstancesScenario } from '../scenarios/two-instances.js';
import { failures, workFolder } from './helpers.js';

describe('two instances on one folder (short: 40 files × 100 rows)', () => {
  const workDir = workFolder('t2');

  it.each([
    { afterDelivery: 'archive', once: true },
    { afterDelivery: 'archive', once: false },
  ])(
    'never send a file twice (afterDelivery $afterDelivery, once $once)',
    async (settings) => {
      const result = await runTwoInstancesScenario({ workDir, files: 40, rowsPerFile: 100, ...settings });
      expect(failures(result), formatResult(result)).toEqual([]);
    },
    90_000,
  );

  // A kept file's claim stays behind as a done marker, so the other instance never claims it again.
  it('never send a file twice (afterDelivery keep, continuous)', async () => {
    const result = await runTwoInstancesScenario({
      workDir,
      files: 20,
      rowsPerFile: 100,
      afterDelivery: 'keep',
      once: false,
    });
    expect(failures(result), formatResult(result)).toEqual([]);
  }, 90_000);
});
