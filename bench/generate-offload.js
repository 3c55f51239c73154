// @ts-check
// Generates DataMiner offload backlogs (spec §3 row layouts, TAB separated, no header, CRLF) at run time.
// Usage as a script: node bench/generate-offload.js <dir> <dataRows> [dataAvgRows] [alarmRows]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** DataMiner writes a new file at least every 10,000 lines; the backlog uses files of that size. */
export const ROWS_PER_FILE = 10_000;
const BASE_MS = Date.UTC(2026, 2, 14, 9, 0, 0);
const ELEMENTS = ['Encodeur Québec-01', '東京 IRD 07', 'Mux Lisboa 3', 'Modulator – North'];
const PARAMETERS = ['Output Bitrate', 'Input Level ASI 1', 'CPU Load', 'Carrier Power'];

/** `yyyy-MM-dd HH:mm:ss` of the i-th second after the base time. @param {number} i */
function stamp(i) {
  return new Date(BASE_MS + i * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** One Data row (11 fields). @param {number} i */
export function dataRow(i) {
  const eid = 10 + (i % 200);
  const pid = 1000 + (i % 97);
  const index = i % 5 === 0 ? `row-${i % 40}` : '';
  const value = (7 + (i % 1000) / 1000).toFixed(3);
  const status = i % 50 === 0 ? -13 : 0;
  return `0\t346\t${eid}\t${pid}\t${value}\t${stamp(i)}\t${status}\t\t${index}\t${ELEMENTS[i % 4]}\t${PARAMETERS[i % 4]}\r\n`;
}

/** One DataAvg row (12 fields; max before min). @param {number} i */
export function dataAvgRow(i) {
  const avg = (7 + (i % 1000) / 1000).toFixed(4);
  const window = [5, 60, 120][i % 3];
  return (
    `0\t346\t${10 + (i % 200)}\t${1000 + (i % 97)}\t${avg}\t${(Number(avg) + 0.5).toFixed(2)}\t` +
    `${(Number(avg) - 0.5).toFixed(2)}\t${stamp(i * 300)}\t${window}\t\t${ELEMENTS[i % 4]}\t${PARAMETERS[i % 4]}\r\n`
  );
}

/** One alarm row (24 fields), alarm trees of four (new, escalated, acknowledged, cleared). @param {number} i */
export function alarmRow(i) {
  const id = 20_000 + i;
  const root = id - (i % 4);
  const previous = i % 4 === 0 ? 0 : id - 1;
  const [severity, type, status, owner, comment] = [
    [2, 10, 12, '', ''],
    [1, 8, 12, '', ''],
    [1, 22, 12, 'jdoe', 'Checked patch panel, "ASI 1" re-seated; monitoring'],
    [5, 11, 11, 'jdoe', 'Cleared after re-seat'],
  ][i % 4];
  const value = (-70 - (i % 20)).toFixed(1);
  return (
    `${id}\t346\t${10 + (i % 200)}\t${2000 + (i % 50)}\t${previous}\t${value}\t${severity}\t6\t${stamp(i)}\t` +
    `${type}\t${owner}\t${status}\t${comment}\t0\t16\t18\t${root}\tASI ${i % 8}\t-1\t\t${ELEMENTS[i % 4]}\t` +
    `Input Level ASI ${i % 8}\t${value} dBm\t${stamp(root - 20_000)}\r\n`
  );
}

export const KINDS = {
  data: { folder: 'Data', row: dataRow },
  dataavg: { folder: 'Dataavg', row: dataAvgRow },
  alarm: { folder: '.', row: alarmRow },
};

/**
 * Writes `rows` rows of `kind` into `<root>/<kind folder>` in files of `rowsPerFile` rows named like
 * DataMiner's (`yyyy_MM_dd_HH_mm_ss_<seq>_<dmaid>.csv`). Returns the files written and their bytes.
 * @param {string} root
 * @param {'data' | 'dataavg' | 'alarm'} kind
 * @param {number} rows
 * @param {number} [rowsPerFile]
 */
export function writeKind(root, kind, rows, rowsPerFile = ROWS_PER_FILE) {
  const { folder, row } = KINDS[kind];
  const dir = join(root, folder);
  mkdirSync(dir, { recursive: true });
  const files = [];
  let bytes = 0;
  for (let start = 0; start < rows; start += rowsPerFile) {
    const end = Math.min(rows, start + rowsPerFile);
    const lines = [];
    for (let i = start; i < end; i += 1) lines.push(row(i));
    const text = lines.join('');
    const sequence = Math.floor(start / rowsPerFile);
    const name = `${stamp(sequence * 60).replace(/[- :]/g, '_')}_${kind === 'alarm' ? 5000 : 4000}${String(sequence).padStart(6, '0')}_346.csv`;
    const file = join(dir, name);
    writeFileSync(file, text);
    files.push(file);
    bytes += Buffer.byteLength(text);
  }
  return { files, bytes, rows };
}

/**
 * A backlog of the given row counts per kind below `root`.
 * @param {string} root
 * @param {{ data?: number, dataavg?: number, alarm?: number }} counts
 */
export function writeBacklog(root, counts) {
  const parts = Object.entries(counts).map(([kind, rows]) =>
    writeKind(root, /** @type {'data' | 'dataavg' | 'alarm'} */ (kind), rows ?? 0),
  );
  return {
    files: parts.flatMap((part) => part.files),
    bytes: parts.reduce((sum, part) => sum + part.bytes, 0),
    rows: parts.reduce((sum, part) => sum + part.rows, 0),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [dir, data, dataavg, alarm] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node bench/generate-offload.js <dir> <dataRows> [dataAvgRows] [alarmRows]');
    process.exit(2);
  }
  const written = writeBacklog(dir, {
    data: Number(data ?? 0),
    dataavg: Number(dataavg ?? 0),
    alarm: Number(alarm ?? 0),
  });
  console.log(`${written.rows} rows in ${written.files.length} files, ${written.bytes} bytes, below ${dir}`);
}
