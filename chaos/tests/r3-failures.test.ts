import { describe, expect, it } from 'vitest';
import { formatResult } from '../lib/report.js';
import { runFailuresScenario } from '../scenarios/r3-failures.js';
import { failures, workFolder } from './helpers.js';

describe('R3 injected failures (short: 10,000 records)', () => {
  const workDir = workFolder('r3');

  it('delivers every record despite 30 % throttling, 5 % InternalFailure and 2 % HTTP 500', async () => {
    const result = await runFailuresScenario({ workDir, records: 10_000 });
    expect(failures(result), formatResult(result)).toEqual([]);
  }, 90_000);
});
