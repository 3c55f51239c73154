import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Metric } from '../../packages/core/src/metrics.js';

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
}

const dashboard = JSON.parse(readFileSync(new URL('./dashboard.json', import.meta.url), 'utf8')) as {
  panels: Panel[];
  templating: { list: { name: string; query: unknown }[] };
};
const known = new Set(Object.values(Metric).map((name) => `offloader_${name}`));
const expressions = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));

describe('Grafana dashboard', () => {
  it('only queries metrics Offloader exports', () => {
    const used = new Set(expressions.flatMap((expr) => expr.match(/offloader_[a-z_]+/g) ?? []));
    const unknown = [...used].filter((name) => !known.has(name.replace(/_(bucket|sum|count)$/, '')));
    expect(unknown).toEqual([]);
    expect(used.size).toBeGreaterThanOrEqual(15);
  });

  it.each([
    ['Incoming records by stream and shard', 'offloader_records_put_total'],
    ['Incoming bytes by stream and shard', 'offloader_bytes_put_total'],
    ['Put latency by stream (p50 / p95 / p99)', 'offloader_put_latency_seconds_bucket'],
    ['Write provisioned throughput exceeded', 'offloader_records_throttled_total'],
    ['Backlog files', 'offloader_backlog_files'],
    ['Age of the oldest waiting file', 'offloader_oldest_file_age_seconds'],
  ])('has the panel "%s" over %s', (title, metric) => {
    const panel = dashboard.panels.find((p) => p.title === title);
    expect(panel?.targets?.some((target) => target.expr.includes(metric))).toBe(true);
  });

  it('uses balanced parentheses and braces in every expression', () => {
    for (const expr of expressions) {
      let depth = 0;
      for (const c of expr) {
        if (c === '(' || c === '{') depth++;
        if (c === ')' || c === '}') depth--;
        expect(depth, expr).toBeGreaterThanOrEqual(0);
      }
      expect(depth, expr).toBe(0);
    }
  });
});
