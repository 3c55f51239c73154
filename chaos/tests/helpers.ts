import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A fresh work folder for one test file, removed afterwards. */
export function workFolder(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `offloader-chaos-${name}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface Check {
  name: string;
  expected: string;
  actual: string;
  pass: boolean;
}

/** The failed checks of a scenario result, as text (empty when everything passed). */
export function failures(result: { checks: Check[] }): string[] {
  return result.checks.filter((c) => !c.pass).map((c) => `${c.name}: expected ${c.expected}, got ${c.actual}`);
}
