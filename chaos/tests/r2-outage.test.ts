import { describe, expect, it } from 'vitest';
import { formatResult } from '../lib/report.js';
import { runOutageScenario } from '../scenarios/r2-outage.js';
import { failures, workFolder } from './helpers.js';

describe('R2 outage (short: 3 s of refused connections)', () => {
  const workDir = workFolder('r2');

  it('resumes by itself, loses nothing, keeps files until delivered, reports start and end', async () => {
    const result = await runOutageScenario({ workDir, recordsBefore: 20_000, recordsDuring: 5000, outageMs: 3000 });
    expect(failures(result), formatResult(result)).toEqual([]);
  }, 90_000);
});
