import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../src/clock.js';
import type { Code } from '../src/codes.js';
import { type EventInput, EventLog, type EventLogOptions } from '../src/events.js';

const HOUR = 3_600_000;

function manualClock(start = Date.parse('2024-05-01T12:00:00Z')): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    sleep: async () => {},
    advance(ms) {
      now += ms;
    },
  };
}

/** The table's mechanics do not depend on which codes exist, so the tests use short made-up ones. */
function event(code: string, extra: Partial<EventInput> = {}): EventInput {
  return { severity: 'warning', source: 'dm-csv', code: code as Code, message: `${code} happened`, ...extra };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'offloader-events-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function log(clock: Clock, options: Partial<EventLogOptions> = {}) {
  return new EventLog({ maxRows: 100, maxAgeHours: 24, aggregateWindowMs: 0, ...options }, clock);
}

describe('EventLog table', () => {
  it('lists rows newest first with increasing ids', () => {
    const clock = manualClock();
    const events = log(clock);
    for (const code of ['A', 'B', 'C']) {
      events.emit(event(code));
      clock.advance(1000);
    }
    const rows = events.list();
    expect(rows.map((row) => row.code)).toEqual(['C', 'B', 'A']);
    expect(rows.map((row) => row.id)).toEqual([3, 2, 1]);
    expect(rows[0].time).toBe('2024-05-01T12:00:02.000Z');
  });

  it.each([
    { maxRows: 1, emitted: 5, kept: ['E4'] },
    { maxRows: 3, emitted: 5, kept: ['E4', 'E3', 'E2'] },
    { maxRows: 10, emitted: 5, kept: ['E4', 'E3', 'E2', 'E1', 'E0'] },
  ])('keeps at most maxRows=$maxRows rows, dropping the oldest', ({ maxRows, emitted, kept }) => {
    const events = log(manualClock(), { maxRows });
    for (let i = 0; i < emitted; i++) events.emit(event(`E${i}`));
    expect(events.list().map((row) => row.code)).toEqual(kept);
  });

  it('drops rows older than maxAgeHours, on emit and on list', () => {
    const clock = manualClock();
    const events = log(clock, { maxAgeHours: 2 });
    events.emit(event('OLD'));
    clock.advance(1.5 * HOUR);
    events.emit(event('MIDDLE'));
    clock.advance(0.75 * HOUR);
    expect(events.list().map((row) => row.code)).toEqual(['MIDDLE']);
    clock.advance(1.5 * HOUR);
    expect(events.list()).toEqual([]);
  });

  it('filters by severity, minimum severity, code and limit', () => {
    const events = log(manualClock());
    events.emit(event('I', { severity: 'info' }));
    events.emit(event('W', { severity: 'warning' }));
    events.emit(event('E', { severity: 'error' }));
    events.emit(event('C', { severity: 'critical' }));
    expect(events.list({ severity: 'error' }).map((row) => row.code)).toEqual(['E']);
    expect(events.list({ minSeverity: 'error' }).map((row) => row.code)).toEqual(['C', 'E']);
    expect(events.list({ code: 'W' }).map((row) => row.code)).toEqual(['W']);
    expect(events.list({ limit: 2 }).map((row) => row.code)).toEqual(['C', 'E']);
    expect(events.list({ limit: 0 })).toEqual([]);
  });

  it('hands out copies, so callers cannot change the table', () => {
    const events = log(manualClock());
    events.emit(event('A'));
    events.list()[0].message = 'changed';
    expect(events.list()[0].message).toBe('A happened');
  });

  it('keeps notifying listeners when one of them throws', () => {
    const events = log(manualClock());
    const seen: string[] = [];
    events.onEvent(() => {
      throw new Error('socket closed');
    });
    const stop = events.onEvent((row) => seen.push(row.code));
    events.emit(event('A'));
    stop();
    events.emit(event('B'));
    expect(seen).toEqual(['A']);
  });
});

describe('EventLog aggregation', () => {
  it('folds repeats of (source, code, file) within the window into one row with a count', () => {
    const clock = manualClock();
    const events = log(clock, { aggregateWindowMs: 60_000 });
    const first = events.emit(event('ROW_INVALID', { file: 'a.csv', record: 'line 2' }));
    for (let line = 3; line <= 1000; line++) {
      clock.advance(10);
      events.emit(event('ROW_INVALID', { file: 'a.csv', record: `line ${line}` }));
    }
    events.emit(event('ROW_INVALID', { file: 'b.csv', record: 'line 9' }));
    const rows = events.list();
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ id: first.id, count: 999, record: 'line 1000', file: 'a.csv' });
    expect(rows[1].firstTime).toBe('2024-05-01T12:00:00.000Z');
    expect(rows[1].time).toBe('2024-05-01T12:00:09.980Z');
    expect(rows[0]).toMatchObject({ file: 'b.csv', count: 1 });
  });

  it('moves a folded row back to the top and opens a new row after a quiet window', () => {
    const clock = manualClock();
    const events = log(clock, { aggregateWindowMs: 60_000 });
    events.emit(event('THROTTLED'));
    events.emit(event('OTHER'));
    clock.advance(30_000);
    events.emit(event('THROTTLED'));
    expect(events.list().map((row) => `${row.code}x${row.count}`)).toEqual(['THROTTLEDx2', 'OTHERx1']);
    clock.advance(60_000);
    events.emit(event('THROTTLED'));
    expect(events.list().map((row) => `${row.code}x${row.count}`)).toEqual(['THROTTLEDx1', 'THROTTLEDx2', 'OTHERx1']);
  });

  it('aggregates on a custom key, and never when the key is null', () => {
    const events = log(manualClock(), { aggregateWindowMs: 60_000 });
    events.emit(event('ROW_INVALID', { file: 'a.csv' }), 'dm-csv|ROW_INVALID');
    events.emit(event('ROW_INVALID', { file: 'b.csv' }), 'dm-csv|ROW_INVALID');
    events.emit(event('PIPELINE_STARTED'), null);
    events.emit(event('PIPELINE_STARTED'), null);
    expect(events.list().map((row) => `${row.code}x${row.count}`)).toEqual([
      'PIPELINE_STARTEDx1',
      'PIPELINE_STARTEDx1',
      'ROW_INVALIDx2',
    ]);
  });
});

describe('EventLog persistence', () => {
  it('a new EventLog on the same file sees the old rows, newest first, and continues the ids', () => {
    const clock = manualClock();
    const file = join(dir, 'state', 'events.jsonl');
    const before = log(clock, { file });
    before.emit(event('PIPELINE_STARTED', { severity: 'info' }));
    clock.advance(1000);
    before.emit(event('FILE_QUARANTINED', { severity: 'error', file: 'C:\\offload\\bad.csv' }));
    before.close();

    const after = log(clock, { file });
    expect(after.list().map((row) => [row.id, row.code, row.file])).toEqual([
      [2, 'FILE_QUARANTINED', 'C:\\offload\\bad.csv'],
      [1, 'PIPELINE_STARTED', undefined],
    ]);
    expect(after.emit(event('PIPELINE_STOPPED')).id).toBe(3);
  });

  it('persists folded repeats on flush, and keeps folding into the same row after a restart', () => {
    const clock = manualClock();
    const file = join(dir, 'events.jsonl');
    const before = log(clock, { file, aggregateWindowMs: 60_000 });
    for (let i = 0; i < 50; i++) before.emit(event('ROW_INVALID', { file: 'a.csv', record: `line ${i + 2}` }));
    before.close();
    clock.advance(1000);
    const after = log(clock, { file, aggregateWindowMs: 60_000 });
    expect(after.list()).toMatchObject([{ id: 1, count: 50, record: 'line 51' }]);
    after.emit(event('ROW_INVALID', { file: 'a.csv', record: 'line 52' }));
    expect(after.list()).toMatchObject([{ id: 1, count: 51 }]);
  });

  it('applies the row and age bounds to the rows it loads', () => {
    const clock = manualClock();
    const file = join(dir, 'events.jsonl');
    const before = log(clock, { file, maxRows: 10 });
    for (let i = 0; i < 6; i++) {
      before.emit(event(`E${i}`));
      clock.advance(HOUR);
    }
    const after = log(clock, { file, maxRows: 3, maxAgeHours: 2.5 });
    expect(after.list().map((row) => row.code)).toEqual(['E5', 'E4']);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('tolerates a torn last line and foreign lines, and appends cleanly after them', () => {
    const clock = manualClock();
    const file = join(dir, 'events.jsonl');
    const before = log(clock, { file });
    before.emit(event('A'));
    before.emit(event('B'));
    appendFileSync(file, 'null\n{"hello":"world"}\n{"id":3,"time":"2024-05-01T12:00:00.000Z","sev');

    const after = log(clock, { file });
    expect(after.list().map((row) => row.code)).toEqual(['B', 'A']);
    after.emit(event('C'));
    const again = log(clock, { file });
    expect(again.list().map((row) => [row.id, row.code])).toEqual([
      [3, 'C'],
      [2, 'B'],
      [1, 'A'],
    ]);
  });

  it('keeps the file bounded while a flood is being folded and new rows keep coming', () => {
    const clock = manualClock();
    const file = join(dir, 'events.jsonl');
    const events = log(clock, { file, maxRows: 20, aggregateWindowMs: 60_000 });
    for (let i = 0; i < 500; i++) {
      events.emit(event(`CODE_${i}`));
      clock.advance(5);
    }
    events.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(40);
    expect(log(clock, { file, maxRows: 20 }).list()).toHaveLength(20);
  });

  it('starts with an empty table when the file does not exist, and creates its folder', () => {
    const file = join(dir, 'nested', 'deeper', 'events.jsonl');
    const events = log(manualClock(), { file });
    expect(events.list()).toEqual([]);
    events.emit(event('A'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ id: 1, code: 'A', count: 1 });
  });

  it('keeps working in memory when the file cannot be written', () => {
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    const events = log(manualClock(), { file: join(dir, 'not-a-dir', 'events.jsonl') });
    events.emit(event('A'));
    events.emit(event('B'));
    expect(events.list().map((row) => row.code)).toEqual(['B', 'A']);
  });
});
