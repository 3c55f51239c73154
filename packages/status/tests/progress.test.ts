import { Metric, PromMetrics } from '@offloader/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatRunSummary, ProgressReporter, type ProgressStream } from '../src/progress.js';

class FakeStream implements ProgressStream {
  readonly writes: string[] = [];
  constructor(
    readonly isTTY: boolean,
    readonly columns = 200,
  ) {}
  write(text: string): boolean {
    this.writes.push(text);
    return true;
  }
}

function manualClock() {
  let now = 1_000_000;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

const trend0 = { stream: 'dm-trend', shard: 'shardId-000000000000' };
const trend1 = { stream: 'dm-trend', shard: 'shardId-000000000001' };

/** A backlog of 4 files × 1 MiB worked off at 1 MiB and 2,000 records per 2 s. */
function backlogRun(isTTY: boolean, columns?: number) {
  const metrics = new PromMetrics();
  const clock = manualClock();
  const stream = new FakeStream(isTTY, columns);
  const source = { source: 'dm-csv' };
  metrics.set(Metric.backlogFiles, source, 4);
  metrics.set(Metric.backlogBytes, source, 4 * 1_048_576);
  const reporter = new ProgressReporter({ metrics, stream, clock });
  const step = () => {
    clock.advance(2000);
    metrics.add(Metric.recordsPut, trend0, 1200);
    metrics.add(Metric.recordsPut, trend1, 800);
    metrics.add(Metric.bytesPut, trend0, 300_000);
    metrics.add(Metric.filesDone, source, 1);
    metrics.shift(Metric.backlogFiles, source, -1);
    metrics.shift(Metric.backlogBytes, source, -1_048_576);
  };
  return { metrics, clock, stream, reporter, step };
}

describe('ProgressReporter', () => {
  afterEach(() => vi.useRealTimers());

  it('on a TTY redraws one line in place with bar, rate and ETA', async () => {
    const { reporter, stream, step } = backlogRun(true);
    await reporter.measure();
    step();
    const text = await reporter.update();
    expect(text.startsWith('\r')).toBe(true);
    expect(text.endsWith('\x1b[K')).toBe(true);
    expect(text).not.toContain('\n');
    expect(text).toBe(
      '\r[######------------------]  25% | 1000 rec/s | 146.5 KiB/s | ETA 0m06s | 1 files done, 3 waiting | 2000 put | throttled 0 | failed 0\x1b[K',
    );
    step();
    step();
    step();
    expect(await reporter.update()).toContain('[########################] 100% | 1000 rec/s');
    await reporter.stop();
    expect(stream.writes.at(-1)).toBe('\n');
    expect(stream.writes.at(-2)).toContain('ETA 0m00s | 4 files done, 0 waiting | 8000 put');
  });

  it('cuts the TTY line to the terminal width so it never wraps', async () => {
    const { reporter, step } = backlogRun(true, 60);
    await reporter.measure();
    step();
    const line = (await reporter.update()).replace('\r', '').replace('\x1b[K', '');
    expect(line).toHaveLength(59);
    expect(line.endsWith('…')).toBe(true);
  });

  it('without a TTY prints plain summary lines, no control characters', async () => {
    const { reporter, step, metrics } = backlogRun(false);
    await reporter.measure();
    step();
    metrics.add(Metric.recordsThrottled, { stream: 'dm-trend' }, 1234);
    metrics.add(Metric.recordErrors, { stream: 'dm-trend', code: 'InternalFailure' }, 2);
    const text = await reporter.update();
    expect(text).toBe(
      'progress: 25% done, ETA 0m06s; 2,000 records put (1000 rec/s, 146.5 KiB/s); files: 1 done, 3 waiting ' +
        '(3.0 MiB); throttled 1,234; failed 2\n',
    );
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    expect(text).not.toMatch(/[\r\x1b]/);
  });

  it('counts new files as more work, not as lost progress', async () => {
    const { reporter, metrics, step } = backlogRun(false);
    await reporter.measure();
    step();
    expect((await reporter.measure()).fraction).toBe(0.25);
    metrics.set(Metric.backlogBytes, { source: 'dm-csv' }, 3 * 1_048_576 + 4 * 1_048_576);
    metrics.set(Metric.backlogFiles, { source: 'dm-csv' }, 7);
    const state = await reporter.measure();
    expect(state.fraction).toBeCloseTo(1 / 8, 9);
  });

  it('says nothing about ETA before anything moved, and falls back to files without byte figures', async () => {
    const metrics = new PromMetrics();
    const clock = manualClock();
    const reporter = new ProgressReporter({
      metrics,
      stream: new FakeStream(false),
      clock,
      backlog: () => ({ files: 3, bytes: 0 }),
    });
    expect(await reporter.measure()).toMatchObject({ fraction: 0, etaSeconds: undefined, recordsPerSecond: 0 });
    clock.advance(5000);
    metrics.add(Metric.filesDone, { source: 'x' }, 1);
    expect(await reporter.measure()).toMatchObject({ fraction: 0.25, etaSeconds: 15 });
  });

  it('writes every interval once started, and stops writing when stopped', async () => {
    vi.useFakeTimers();
    const { reporter, stream } = backlogRun(false);
    reporter.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(stream.writes).toHaveLength(3);
    await reporter.stop();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(stream.writes).toHaveLength(3);
  });
});

describe('formatRunSummary', () => {
  it('reports sources, streams and shards, and latency', async () => {
    const metrics = new PromMetrics();
    const source = { source: 'dm-csv' };
    metrics.add(Metric.filesDone, source, 12);
    metrics.add(Metric.filesQuarantined, source, 1);
    metrics.add(Metric.rowsRead, source, 10_000);
    metrics.add(Metric.rowsRejected, source, 3);
    metrics.add(Metric.recordsPut, trend0, 4_997);
    metrics.add(Metric.recordsPut, trend1, 5_000);
    metrics.add(Metric.bytesPut, trend0, 1_349_190);
    metrics.add(Metric.bytesPut, trend1, 1_350_000);
    metrics.add(Metric.recordsThrottled, { stream: 'dm-trend' }, 31);
    metrics.add(Metric.recordErrors, { stream: 'dm-trend', code: 'InternalFailure' }, 2);
    for (let i = 0; i < 10; i++) metrics.observe(Metric.putLatencySeconds, { stream: 'dm-trend' }, 0.02);
    expect(formatRunSummary(await metrics.snapshot(), { durationMs: 65_000 })).toBe(
      [
        'Run summary (1m05s)',
        '',
        'Sources',
        '  source  files done  quarantined  rows read  rows rejected  records failed',
        '  dm-csv          12            1     10,000              3               0',
        '',
        'Streams and shards',
        '  stream / shard          records    bytes  throttled  failed    p50    p95',
        '  dm-trend                  9,997  2.6 MiB         31       2  18 ms  24 ms',
        '    shardId-000000000000    4,997  1.3 MiB',
        '    shardId-000000000001    5,000  1.3 MiB',
        '',
        'Put latency: p50 18 ms, p95 24 ms over 10 requests',
        '',
      ].join('\n'),
    );
  });

  it('says so when nothing ran', async () => {
    expect(formatRunSummary(await new PromMetrics().snapshot())).toBe(
      'Run summary\n\nSources\n  (none)\n\nStreams and shards\n  (none)\n\nPut latency: no requests\n',
    );
  });
});
