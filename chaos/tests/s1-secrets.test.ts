import { describe, expect, it } from 'vitest';
import { formatResult } from '../lib/report.js';
import { runSecretsScenario } from '../scenarios/s1-secrets.js';
import { failures, workFolder } from './helpers.js';

describe('S1 secrets (short: credentials rejected with an echoing error for 1.5 s)', () => {
  const workDir = workFolder('s1');

  it('no access key id or secret in logs, events, metrics or error texts', async () => {
    const result = await runSecretsScenario({ workDir, roots: [], rejectMs: 1500 });
    expect(failures(result), formatResult(result)).toEqual([]);
  }, 90_000);
});
