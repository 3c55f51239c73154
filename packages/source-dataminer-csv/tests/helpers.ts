import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type { DecodedItem, DecodeNotice, FolderFile, ResumePoint } from '@offloader/core';
import { resolveOptions } from '@offloader/core';
import { createDataminerDecoder } from '../src/createDecoder.js';
import { type DataminerKind } from '../src/index.js';
import { dataminerCsvSource } from '../src/plugin.js';

/** Committed sample offload files with the records they must give (`fixtures/dataminer/_expected`). */
const FIXTURES = join(import.meta.dirname, 'fixtures');
export const SAMPLES = join(FIXTURES, 'dataminer');
export const BAD_SAMPLES = join(FIXTURES, 'dataminer-bad');

const ROUTE_DIRS: Record<DataminerKind, string> = { data: 'Data', dataavg: 'Dataavg', alarm: '.' };

/** Decodes one file with the given options; returns records, row errors and notices. */
export async function decodeFile(
  path: string,
  kind: DataminerKind,
  options: Record<string, unknown> = {},
  resume: ResumePoint = { line: 0, offset: 0 },
) {
  const resolved = resolveOptions(dataminerCsvSource, { path: dirname(path), ...options });
  const decoder = await createDataminerDecoder(resolved, dirname(path));
  const info = await stat(path);
  const route = resolved[kind].route;
  const file: FolderFile = {
    path,
    relPath: basename(path),
    name: basename(path),
    kindDir: ROUTE_DIRS[kind] === '.' ? '' : ROUTE_DIRS[kind],
    kind: { route, dir: ROUTE_DIRS[kind] },
    size: info.size,
    mtimeMs: info.mtimeMs,
  };
  const notices: DecodeNotice[] = [];
  const items: DecodedItem[] = [];
  for await (const chunk of decoder.decode({
    file,
    resume,
    signal: new AbortController().signal,
    notice: (n) => notices.push(n),
  })) {
    items.push(...chunk);
  }
  const records = items.filter((item) => item.kind === 'record');
  const errors = items.filter((item) => item.kind === 'error');
  return { items, records, errors, notices, values: records.map((record) => record.value as Record<string, unknown>) };
}

/** Expected JSON lines of a sample file, parsed (key order kept). */
export function expectedOf(samplePath: string): Record<string, unknown>[] {
  const rel = relative(SAMPLES, samplePath).replace(/\.csv$/, '.jsonl');
  return readFileSync(join(SAMPLES, '_expected', rel), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** Writes `content` to a fresh temp file and decodes it. */
export async function decodeContent(
  content: string | Buffer,
  kind: DataminerKind,
  options: Record<string, unknown> = {},
  resume?: ResumePoint,
) {
  const { mkdtemp, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(join(tmpdir(), 'dm-decode-'));
  const path = join(dir, 'f.csv');
  await writeFile(path, content);
  return { path, ...(await decodeFile(path, kind, options, resume)) };
}

/** A data row (11 fields) with the given value, time and status. */
export function dataRow(value = '7.25', time = '2026-03-14 09:05:02', status = '0', element = 'El'): string {
  return ['0', '346', '12', '1020', value, time, status, '', '', element, 'Param'].join('\t');
}
