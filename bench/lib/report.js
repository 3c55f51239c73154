// @ts-check
import { cpus, totalmem } from 'node:os';

/**
 * @typedef {object} Row
 * @property {string} what
 * @property {string} value
 * @property {string} baseline
 * @property {string} ratio
 * @property {string} target
 * @property {boolean | null} pass  null = informational row without a target
 * @property {string} [key]         stable id of a ratio row, for the summary and bench/compare.js
 * @property {number} [ratioValue]  the ratio as a number (for comparing runs)
 * @property {number} [spreadPct]   spread of the per-pair ratios behind it, % of the median
 */

/** @typedef {{ title: string, notes: string[], rows: Row[] }} Table */

const HEADERS = ['what', 'value', 'baseline', 'ratio', 'target', 'pass/miss'];

/** @param {Row} row */
function cells(row) {
  const verdict = row.pass === null ? '–' : row.pass ? 'pass' : 'MISS';
  return [row.what, row.value, row.baseline, row.ratio, row.target, verdict];
}

/**
 * A Markdown table (readable on a terminal too): title, notes, one line per row.
 * @param {Table} table
 * @param {string[]} [headers]
 */
export function renderTable(table, headers = HEADERS) {
  const lines = [`### ${table.title}`, ''];
  for (const note of table.notes) lines.push(`> ${note}`);
  if (table.notes.length) lines.push('');
  const body = table.rows.map(cells);
  const widths = headers.map((header, i) => Math.max(header.length, ...body.map((line) => line[i].length)));
  const format = (/** @type {string[]} */ line) => `| ${line.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  lines.push(format(headers), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const line of body) lines.push(format(line));
  return `${lines.join('\n')}\n`;
}

/** Machine and run facts for the head of the results file. */
export function machineFacts() {
  const cpuList = cpus();
  return {
    cpu: cpuList[0]?.model ?? 'unknown',
    cores: cpuList.length,
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    date: new Date().toISOString(),
  };
}

/** Every row of `tables` that carries a ratio key: the run's figures for the summary and for comparing runs. @param {Table[]} tables */
export function keyedRows(tables) {
  return tables.flatMap((table) => table.rows.filter((row) => row.key !== undefined && row.ratioValue !== undefined));
}

/** The compact end-of-run table: one line per keyed ratio. @param {Row[]} rows */
export function renderSummary(rows) {
  return renderTable(
    {
      title: 'Summary: every ratio of this run',
      notes: [
        'Compare two runs with `node bench/compare.js <a.md> <b.md>` (flags ratios that differ by more than 10 %).',
      ],
      rows: rows.map((row) => ({
        ...row,
        what: /** @type {string} */ (row.key),
        value: row.spreadPct === undefined ? '–' : `±${row.spreadPct.toFixed(1)} %`,
        baseline: row.what.length > 60 ? `${row.what.slice(0, 57)}…` : row.what,
      })),
    },
    ['key', 'spread', 'what', 'ratio', 'target', 'pass/miss'],
  );
}
