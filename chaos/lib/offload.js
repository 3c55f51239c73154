import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, utimes } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Offload files in the DataMiner offload format (packages/source-dataminer-csv/README.md): Data rows, TAB-separated, CRLF, no header, 11 fields.
 * Every row carries a unique id in chIndex (→ INDEX) so lost and duplicated records can be counted exactly after
 * reading the stream back. Ids look like `<tag>f<file>r<row>` so the file of a record is known too.
 */

/** Id of row `row` of file `file` in a run tagged `tag`. */
export function rowId(tag, file, row) {
  return `${tag}f${file}r${row}`;
}

/** File and row of an id made by {@link rowId}, or undefined. */
export function parseRowId(id) {
  const match = /^(.*)f(\d+)r(\d+)$/.exec(id);
  return match ? { tag: match[1], file: Number(match[2]), row: Number(match[3]) } : undefined;
}

/** One Data row (without line terminator) whose INDEX is `id`. */
export function dataRow(id, file, row) {
  const eid = 1 + (file % 50);
  const pid = 1000 + (row % 97);
  const fields = [
    '0',
    '346',
    String(eid),
    String(pid),
    `${(row * 0.25).toFixed(2)}`,
    `2026-03-14 ${String(9 + (file % 10)).padStart(2, '0')}:${String(row % 60).padStart(2, '0')}:00`,
    '0',
    '',
    id,
    `Chaos Encoder ${eid}`,
    `Output Bitrate ${pid}`,
  ];
  return fields.join('\t');
}

/** File name DataMiner would use for the `file`-th file (date form of spec §1). */
export function offloadName(file) {
  return `2026_03_14_09_10_00_${String(file).padStart(6, '0')}_346.csv`;
}

/**
 * Writes `files` Data files of `rowsPerFile` rows each below `<root>/Data`, streaming (1M rows stay out of
 * memory), oldest first by mtime. Returns the list of files written and the expected ids per file.
 */
export async function writeDataFiles(root, { files, rowsPerFile, tag = '', firstFile = 0, mtimeBase }) {
  const dir = join(root, 'Data');
  await mkdir(dir, { recursive: true });
  const written = [];
  const base = mtimeBase ?? Date.now() / 1000 - 3600;
  for (let f = firstFile; f < firstFile + files; f++) {
    const path = join(dir, offloadName(f));
    const out = createWriteStream(path);
    let chunk = '';
    for (let r = 0; r < rowsPerFile; r++) {
      chunk += `${dataRow(rowId(tag, f, r), f, r)}\r\n`;
      if (chunk.length > 256 * 1024) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
    out.end(chunk);
    await once(out, 'finish');
    // Older files first: the source takes files in mtime order.
    await utimes(path, base + f, base + f);
    written.push({ path, file: f, rows: rowsPerFile });
  }
  return written;
}

/** Every id expected from files written by {@link writeDataFiles}. */
export function* expectedIds(tag, written) {
  for (const { file, rows } of written) for (let r = 0; r < rows; r++) yield rowId(tag, file, r);
}
