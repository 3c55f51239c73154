import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const SKIP = new Set(['node_modules', 'dist', '.git', 'results']);

/** Text files of the repository (sources, docs, scripts, fixtures), as a fresh clone has them. */
function repositoryFiles(dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name) || entry.name.startsWith('offloader-')) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return repositoryFiles(path);
    return /\.(ts|js|mjs|json|md|ya?ml|csv|jsonl)$|^run$/.test(entry.name) ? [path] : [];
  });
}

describe('the repository carries its own fixtures', () => {
  it('no file reads or names the reference folder that sits beside the repository on the developers machine', () => {
    const files = repositoryFiles();
    expect(files.length).toBeGreaterThan(100);
    // This file names the patterns it looks for, so it is the one file not searched.
    const searched = files.filter((file) => file !== import.meta.filename);
    const naming = searched.filter((file) =>
      /\.\.[\\/]shared|'shared'|shared\/(samples|spec|schemas)/.test(readFileSync(file, 'utf8')),
    );
    expect(naming.map((file) => relative(root, file))).toEqual([]);
  });
});
