import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES, ErrorCodes } from '../src/codes.js';
import { renderCodesMarkdown } from '../src/codesDoc.js';

const repo = join(import.meta.dirname, '..', '..', '..');

describe('error and event codes', () => {
  it('are one sorted list of UPPER_SNAKE names, each with a meaning', () => {
    expect(Object.keys(CODES)).toEqual([...ErrorCodes]);
    expect([...ErrorCodes]).toEqual([...ErrorCodes].sort());
    for (const code of ErrorCodes) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/);
      expect(CODES[code].meaning.length, code).toBeGreaterThan(20);
    }
  });

  it('docs/codes.md is up to date (npm run docs:codes)', () => {
    expect(readFileSync(join(repo, 'docs', 'codes.md'), 'utf8')).toBe(renderCodesMarkdown());
  });
});

describe('errors in product code', () => {
  it('are typed OffloaderError classes with a code: no plain `new Error(` in any src/', () => {
    const packages = join(repo, 'packages');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        // The dashboard script runs in the browser, where OffloaderError does not exist.
        else if (entry.name.endsWith('.ts') && entry.name !== 'dashboard-script.ts') {
          readFileSync(path, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              if (/\bnew (Type|Range)?Error\(/.test(line)) offenders.push(`${path}:${i + 1}: ${line.trim()}`);
            });
        }
      }
    };
    for (const name of readdirSync(packages)) {
      const src = join(packages, name, 'src');
      if (existsSync(src)) walk(src);
    }
    expect(offenders).toEqual([]);
  });
});
