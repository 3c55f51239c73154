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
 */

/** @typedef {{ title: string, notes: string[], rows: Row[] }} Table */

const HEADERS = ['what', 'value', 'baseline', 'ratio', 'target', 'pass/miss'];

/** @param {Row} row */
function cells(row) {
  const verdict = row.pass === null ? '–' : row.pass ? 'pass' : 'MISS';
  return [row.what, row.value, row.baseline, row.ratio, row.target, verdict];
}

/** A Markdown table (readable on a terminal too): title, notes, one line per row. @param {Table} table */
export function renderTable(table) {
  const lines = [`### ${table.title}`, ''];
  for (const note of table.notes) lines.push(`> ${note}`);
  if (table.notes.length) lines.push('');
  const body = table.rows.map(cells);
  const widths = HEADERS.map((header, i) => Math.max(header.length, ...body.map((line) => line[i].length)));
  const format = (/** @type {string[]} */ line) => `| ${line.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  lines.push(format(HEADERS), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
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
