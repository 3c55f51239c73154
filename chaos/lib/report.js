/**
 * Scenario results: each scenario returns `{ id, title, checks, figures, notes }` where a check is
 * `{ name, expected, actual, pass }`. These helpers build and print them.
 */

/** A check that passes when `pass` is true; `expected`/`actual` are shown as written. */
export function check(name, expected, actual, pass) {
  return { name, expected: String(expected), actual: String(actual), pass: Boolean(pass) };
}

/** Pads a table of rows (arrays of cells) into aligned text. */
export function table(header, rows) {
  const all = [header, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const line = (row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

/** Text of one scenario result: what was checked, pass/fail per check, the figures and notes. */
export function formatResult(result) {
  const ok = result.checks.every((c) => c.pass);
  const lines = [`== ${result.id} ${result.title}: ${ok ? 'PASS' : 'FAIL'}`];
  lines.push(
    table(
      ['check', 'expected', 'actual', 'result'],
      result.checks.map((c) => [c.name, c.expected, c.actual, c.pass ? 'ok' : 'FAIL']),
    ),
  );
  const figures = Object.entries(result.figures ?? {});
  if (figures.length) {
    lines.push('figures:');
    for (const [key, value] of figures) lines.push(`  ${key}: ${value}`);
  }
  for (const note of result.notes ?? []) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}

export function passed(result) {
  return result.checks.every((c) => c.pass);
}
