import { describe, expect, it } from 'vitest';
import { renderPrometheus } from '../../src/http/prometheus.js';
import { Metric, Statistics } from '../../src/statistics.js';
import { parsePrometheusText, sampleValue } from './prometheus-text.js';

const trend0 = { stream: 'dm-trend', shard: 'shardId-000000000000' };
const trend1 = { stream: 'dm-trend', shard: 'shardId-000000000001' };
const alarm0 = { stream: 'dm-alarm', shard: 'shardId-000000000000' };

function knownRun(): Statistics {
  const stats = new Statistics();
  stats.add(Metric.recordsPut, trend0, 500);
  stats.add(Metric.recordsPut, trend0, 250);
  stats.add(Metric.recordsPut, trend1, 731);
  stats.add(Metric.recordsPut, alarm0, 12);
  stats.add(Metric.bytesPut, trend0, 202_500);
  stats.add(Metric.bytesPut, trend1, 197_370);
  stats.add(Metric.bytesPut, alarm0, 9_876);
  stats.add(Metric.recordsThrottled, { stream: 'dm-trend' }, 31);
  stats.add(Metric.recordErrors, { stream: 'dm-trend', code: 'InternalFailure' }, 2);
  stats.add(Metric.rowsRead, { source: 'dm-csv' }, 1_493);
  stats.add(Metric.rowsRejected, { source: 'dm-csv' }, 0);
  stats.set(Metric.backlogFiles, { source: 'dm-csv' }, 4);
  stats.set(Metric.backlogBytes, { source: 'dm-csv' }, 1_048_576);
  stats.set(Metric.oldestFileAgeSeconds, { source: 'dm-csv' }, 42.5);
  for (const seconds of [0.004, 0.03, 0.03, 0.2, 0.2, 0.2, 7, 30]) {
    stats.observe(Metric.putLatencySeconds, { stream: 'dm-trend' }, seconds);
  }
  return stats;
}

describe('renderPrometheus', () => {
  const text = renderPrometheus(knownRun().snapshot());
  const families = parsePrometheusText(text);

  it.each([
    ['offloader_records_put_total', trend0, 750],
    ['offloader_records_put_total', trend1, 731],
    ['offloader_records_put_total', alarm0, 12],
    ['offloader_bytes_put_total', trend0, 202_500],
    ['offloader_bytes_put_total', trend1, 197_370],
    ['offloader_bytes_put_total', alarm0, 9_876],
    ['offloader_records_throttled_total', { stream: 'dm-trend' }, 31],
    ['offloader_record_errors_total', { stream: 'dm-trend', code: 'InternalFailure' }, 2],
    ['offloader_rows_read_total', { source: 'dm-csv' }, 1_493],
    ['offloader_backlog_files', { source: 'dm-csv' }, 4],
    ['offloader_backlog_bytes', { source: 'dm-csv' }, 1_048_576],
    ['offloader_oldest_file_age_seconds', { source: 'dm-csv' }, 42.5],
  ])('%s%j = %d', (name, labels, expected) => {
    expect(sampleValue(families, name, labels)).toBe(expected);
  });

  it('declares the type and help of each family', () => {
    expect(families.get('offloader_records_put_total')).toMatchObject({ type: 'counter' });
    expect(families.get('offloader_records_put_total')?.help).toMatch(/IncomingRecords/);
    expect(families.get('offloader_backlog_files')?.type).toBe('gauge');
    expect(families.get('offloader_put_latency_seconds')?.type).toBe('histogram');
    expect(families.get('offloader_put_latency_seconds')?.help).toMatch(/seconds/);
  });

  it('does not export a counter that never moved', () => {
    expect(() => sampleValue(families, 'offloader_rows_rejected_total', { source: 'dm-csv' })).toThrow(/no sample/);
  });

  it('renders histograms with cumulative buckets, +Inf, _sum and _count', () => {
    const stream = { stream: 'dm-trend' };
    const bucket = (le: string) => sampleValue(families, 'offloader_put_latency_seconds_bucket', { ...stream, le });
    expect(['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'].map(bucket)).toEqual(
      [1, 1, 1, 3, 3, 6, 6, 6, 6, 6, 7, 8],
    );
    expect(sampleValue(families, 'offloader_put_latency_seconds_count', stream)).toBe(8);
    expect(sampleValue(families, 'offloader_put_latency_seconds_sum', stream)).toBeCloseTo(37.664, 9);
  });

  it('escapes label values so any stream or file name round-trips', () => {
    const stats = new Statistics();
    const nasty = 'C:\\offload\\"odd"\nname';
    stats.add(Metric.filesQuarantined, { source: nasty }, 3);
    const parsed = parsePrometheusText(renderPrometheus(stats.snapshot()));
    expect(sampleValue(parsed, 'offloader_files_quarantined_total', { source: nasty })).toBe(3);
  });

  it('sanitises names and labels a plugin made up, and keeps one kind per name', () => {
    const stats = new Statistics();
    stats.add('custom-thing.total', { 'my-label': 'x', '9lives': 'y' }, 5);
    stats.add('mixed_total', {}, 1);
    stats.set('mixed_total', { source: 'a' }, 7);
    const parsed = parsePrometheusText(renderPrometheus(stats.snapshot()));
    expect(sampleValue(parsed, 'offloader_custom_thing_total', { my_label: 'x', _9lives: 'y' })).toBe(5);
    expect(parsed.get('offloader_mixed_total')?.type).toBe('counter');
    expect(parsed.get('offloader_mixed_total')?.samples).toHaveLength(1);
  });

  it('renders nothing for empty statistics', () => {
    expect(renderPrometheus(new Statistics().snapshot())).toBe('');
  });

  it('is rejected by the parser when broken (the parser is strict)', () => {
    expect(() => parsePrometheusText('a{b="c} 1\n')).toThrow();
    expect(() => parsePrometheusText('a{b="\\x"} 1\n')).toThrow(/escape/);
    expect(() => parsePrometheusText('a 1\na 2\n')).toThrow(/duplicate/);
    expect(() => parsePrometheusText('a 1\nb 1\na{x="1"} 2\n')).toThrow(/split/);
    expect(() =>
      parsePrometheusText('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'),
    ).toThrow(/cumulative/);
    expect(() => parsePrometheusText('a 1')).toThrow(/line feed/);
  });
});
