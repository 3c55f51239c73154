import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from './clock.js';

export type Severity = 'info' | 'warning' | 'error' | 'critical';

/** One row of the events table. */
export interface OffloadEvent {
  /** Increasing number, unique within one events file. */
  id: number;
  /** ISO-8601 time of the (last) occurrence. */
  time: string;
  severity: Severity;
  /** Source or sink instance id, or `pipeline`. */
  source: string;
  /** Stable code, e.g. `FILE_QUARANTINED`, `THROTTLING_STARTED`, `ROW_INVALID`. */
  code: string;
  message: string;
  file?: string;
  /** Record or row the event concerns (`line 7`, `record 12`). */
  record?: string;
  /** How many occurrences were folded into this row (rate limiting). */
  count: number;
}

export type EventInput = Omit<OffloadEvent, 'id' | 'time' | 'count'>;

export interface EventLogOptions {
  /** Rows kept at most; the oldest go first. */
  maxRows: number;
  /** Rows older than this are dropped. */
  maxAgeHours: number;
  /** JSON-lines file that keeps the table across restarts; none = memory only. */
  file?: string;
  /** Occurrences with the same aggregation key within this window fold into one row. */
  aggregateWindowMs?: number;
}

export const DEFAULT_EVENT_OPTIONS: EventLogOptions = { maxRows: 1000, maxAgeHours: 168, aggregateWindowMs: 60_000 };

/**
 * The bounded events table: newest first, trimmed by count and age, persisted as JSON lines so a restart
 * keeps the history. Repeats of the same (source, code, file) within `aggregateWindowMs` raise the `count`
 * of the newest row instead of adding rows, so one bad file cannot flood the table.
 */
export class EventLog {
  private rows: OffloadEvent[] = [];
  private nextId = 1;
  private appendsSinceCompaction = 0;
  private readonly listeners = new Set<(event: OffloadEvent) => void>();

  constructor(
    private readonly options: EventLogOptions,
    private readonly clock: Clock,
  ) {
    if (options.file) this.load(options.file);
  }

  emit(input: EventInput, aggregateKey?: string): OffloadEvent {
    const now = this.clock.now();
    const key = aggregateKey ?? `${input.source}|${input.code}|${input.file ?? ''}`;
    const window = this.options.aggregateWindowMs ?? 0;
    const newest = this.rows.find((row) => `${row.source}|${row.code}|${row.file ?? ''}` === key);
    let event: OffloadEvent;
    if (newest && window > 0 && now - Date.parse(newest.time) < window && aggregateKey !== null) {
      newest.count += 1;
      newest.time = new Date(now).toISOString();
      newest.message = input.message;
      newest.record = input.record;
      this.rows = [newest, ...this.rows.filter((row) => row !== newest)];
      event = newest;
    } else {
      event = { id: this.nextId++, time: new Date(now).toISOString(), count: 1, ...input };
      this.rows.unshift(event);
    }
    this.trim(now);
    this.persist(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** Rows, newest first. */
  list(filter: { severity?: Severity; code?: string; limit?: number } = {}): OffloadEvent[] {
    this.trim(this.clock.now());
    const rows = this.rows.filter(
      (row) => (!filter.severity || row.severity === filter.severity) && (!filter.code || row.code === filter.code),
    );
    return filter.limit ? rows.slice(0, filter.limit) : [...rows];
  }

  onEvent(listener: (event: OffloadEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private trim(now: number): void {
    const oldest = now - this.options.maxAgeHours * 3_600_000;
    if (this.rows.length > this.options.maxRows) this.rows.length = this.options.maxRows;
    while (this.rows.length > 0 && Date.parse(this.rows[this.rows.length - 1].time) < oldest) this.rows.pop();
  }

  private load(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return;
    }
    const byId = new Map<number, OffloadEvent>();
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const row = JSON.parse(line) as OffloadEvent;
        if (typeof row.id === 'number') byId.set(row.id, row);
      } catch {
        // A torn last line after a crash is expected; the rows before it are still good.
      }
    }
    this.rows = [...byId.values()].sort((a, b) => Date.parse(b.time) - Date.parse(a.time) || b.id - a.id);
    this.nextId = Math.max(0, ...byId.keys()) + 1;
    this.trim(this.clock.now());
    this.compact();
  }

  private persist(event: OffloadEvent): void {
    const file = this.options.file;
    if (!file) return;
    try {
      mkdirSync(dirname(file), { recursive: true });
      appendFileSync(file, `${JSON.stringify(event)}\n`);
      // Aggregated rows are appended again with the same id; compact now and then so the file stays bounded.
      if (++this.appendsSinceCompaction >= this.options.maxRows) this.compact();
    } catch {
      // The events file is a convenience; losing it must never stop delivery.
    }
  }

  private compact(): void {
    const file = this.options.file;
    if (!file) return;
    try {
      mkdirSync(dirname(file), { recursive: true });
      const ordered = [...this.rows].reverse();
      writeFileSync(`${file}.tmp`, ordered.map((row) => `${JSON.stringify(row)}\n`).join(''));
      renameSync(`${file}.tmp`, file);
      this.appendsSinceCompaction = 0;
    } catch {
      // See persist().
    }
  }
}
