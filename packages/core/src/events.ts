import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from './clock.js';
import type { Code } from './codes.js';

export type Severity = 'info' | 'warning' | 'error' | 'critical';

/** Order of the severities, lowest first; `SEVERITY_RANK[a] >= SEVERITY_RANK[b]` means "at least as bad". */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, error: 2, critical: 3 };

/** One row of the events table. */
export interface OffloadEvent {
  /** Increasing number, unique within one events file. */
  id: number;
  /** ISO-8601 time of the (last) occurrence. */
  time: string;
  /** ISO-8601 time of the first occurrence, when several were folded into this row. */
  firstTime?: string;
  severity: Severity;
  /** Source or sink instance id, or `pipeline`. */
  source: string;
  /** Stable code, e.g. `FILE_QUARANTINED`, `THROTTLING_STARTED`, `ROW_INVALID`. */
  code: Code;
  message: string;
  file?: string;
  /** Record or row the event concerns (`line 7`, `record 12`). */
  record?: string;
  /** How many occurrences were folded into this row (rate limiting). */
  count: number;
}

export type EventInput = Omit<OffloadEvent, 'id' | 'time' | 'firstTime' | 'count'>;

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

export interface EventFilter {
  /** Only this severity. */
  severity?: Severity;
  /** This severity or worse. */
  minSeverity?: Severity;
  code?: string;
  /** At most this many rows (the newest). */
  limit?: number;
}

export const DEFAULT_EVENT_OPTIONS: EventLogOptions = { maxRows: 1000, maxAgeHours: 168, aggregateWindowMs: 60_000 };

/** Repeats folded into an existing row are written to the file at most this often. */
const AGGREGATE_FLUSH_MS = 1_000;

/**
 * The bounded events table: newest first, trimmed by count and age, persisted as JSON lines so a restart
 * keeps the history. Repeats with the same aggregation key — by default (source, code, file) — arriving less
 * than `aggregateWindowMs` after the previous one raise the `count` of that row (and move it to the top)
 * instead of adding rows, so one bad file cannot flood the table or the disk.
 */
export class EventLog {
  /** Newest first. */
  private rows: OffloadEvent[] = [];
  private readonly aggregates = new Map<string, OffloadEvent>();
  private readonly keyOfRow = new WeakMap<OffloadEvent, string>();
  private readonly unsaved = new Set<OffloadEvent>();
  private flushTimer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private appendsSinceCompaction = 0;
  /** The file ended in a torn line that could not be compacted away: start the next append on a new line. */
  private fileNeedsNewline = false;
  private readonly listeners = new Set<(event: OffloadEvent) => void>();

  constructor(
    private readonly options: EventLogOptions,
    private readonly clock: Clock,
  ) {
    if (options.file) this.load(options.file);
  }

  /**
   * Adds an event (or folds it into the open row with the same aggregation key). Pass `aggregateKey` to
   * aggregate on something else than (source, code, file), or `null` to always add a row.
   */
  emit(input: EventInput, aggregateKey?: string | null): OffloadEvent {
    const now = this.clock.now();
    const time = new Date(now).toISOString();
    const key = aggregateKey === null ? undefined : (aggregateKey ?? defaultKey(input));
    const window = this.options.aggregateWindowMs ?? 0;
    const open = key === undefined || window <= 0 ? undefined : this.aggregates.get(key);
    let event: OffloadEvent;
    if (open && now - Date.parse(open.time) < window) {
      open.count += 1;
      open.firstTime ??= open.time;
      open.time = time;
      open.severity = input.severity;
      open.message = input.message;
      open.record = input.record;
      const index = this.rows.indexOf(open);
      if (index > 0) this.rows.unshift(...this.rows.splice(index, 1));
      event = open;
      this.unsaved.add(open);
      this.scheduleFlush();
    } else {
      event = { id: this.nextId++, time, count: 1, ...input };
      this.rows.unshift(event);
      if (key !== undefined) this.track(key, event);
      this.append([event]);
    }
    this.trim(now);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken listener (a closed dashboard socket) must not stop the pipeline that reported the event.
      }
    }
    return event;
  }

  /** Rows, newest first (copies: changing them does not change the table). */
  list(filter: EventFilter = {}): OffloadEvent[] {
    this.trim(this.clock.now());
    const floor = filter.minSeverity ? SEVERITY_RANK[filter.minSeverity] : 0;
    const rows: OffloadEvent[] = [];
    for (const row of this.rows) {
      if (filter.limit !== undefined && rows.length >= filter.limit) break;
      if (filter.severity && row.severity !== filter.severity) continue;
      if (SEVERITY_RANK[row.severity] < floor) continue;
      if (filter.code && row.code !== filter.code) continue;
      rows.push({ ...row });
    }
    return rows;
  }

  onEvent(listener: (event: OffloadEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Writes folded repeats that are still only in memory. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.unsaved.size === 0) return;
    const rows = [...this.unsaved];
    this.unsaved.clear();
    this.append(rows);
  }

  /** Flushes and stops the flush timer; call when the pipeline stops. */
  close(): void {
    this.flush();
  }

  private track(key: string, row: OffloadEvent): void {
    this.aggregates.set(key, row);
    this.keyOfRow.set(row, key);
  }

  private forget(row: OffloadEvent): void {
    const key = this.keyOfRow.get(row);
    if (key !== undefined && this.aggregates.get(key) === row) this.aggregates.delete(key);
    this.keyOfRow.delete(row);
    this.unsaved.delete(row);
  }

  private trim(now: number): void {
    const oldest = now - this.options.maxAgeHours * 3_600_000;
    const maxRows = Math.max(1, this.options.maxRows);
    while (this.rows.length > maxRows) this.forget(this.rows.pop()!);
    while (this.rows.length > 0 && Date.parse(this.rows[this.rows.length - 1].time) < oldest) {
      this.forget(this.rows.pop()!);
    }
  }

  private scheduleFlush(): void {
    if (!this.options.file || this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), AGGREGATE_FLUSH_MS);
    this.flushTimer.unref();
  }

  private load(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return;
    }
    // Later lines win: a folded row is appended again, with the same id, each time it is saved.
    const byId = new Map<number, OffloadEvent>();
    for (const line of text.split('\n')) {
      const row = parseRow(line);
      if (row) byId.set(row.id, row);
    }
    this.rows = [...byId.values()].sort((a, b) => Date.parse(b.time) - Date.parse(a.time) || b.id - a.id);
    let maxId = 0;
    for (const id of byId.keys()) maxId = Math.max(maxId, id);
    this.nextId = maxId + 1;
    this.trim(this.clock.now());
    // Reopen the aggregation rows so a restart in the middle of a flood keeps folding into the same row.
    for (const row of [...this.rows].reverse()) this.track(defaultKey(row), row);
    this.fileNeedsNewline = text.length > 0 && !text.endsWith('\n');
    this.compact();
  }

  private append(rows: OffloadEvent[]): void {
    const file = this.options.file;
    if (!file || rows.length === 0) return;
    try {
      mkdirSync(dirname(file), { recursive: true });
      const lead = this.fileNeedsNewline ? '\n' : '';
      appendFileSync(file, lead + rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
      this.fileNeedsNewline = false;
      // Folded rows are appended again with the same id; compact now and then so the file stays bounded.
      this.appendsSinceCompaction += rows.length;
      if (this.appendsSinceCompaction >= Math.max(1, this.options.maxRows)) this.compact();
    } catch {
      // The events file is a convenience; losing it must never stop delivery.
    }
  }

  private compact(): void {
    const file = this.options.file;
    if (!file) return;
    try {
      mkdirSync(dirname(file), { recursive: true });
      const oldestFirst = [...this.rows].reverse();
      writeFileSync(`${file}.tmp`, oldestFirst.map((row) => `${JSON.stringify(row)}\n`).join(''));
      renameSync(`${file}.tmp`, file);
      this.appendsSinceCompaction = 0;
      this.fileNeedsNewline = false;
      this.unsaved.clear();
    } catch {
      // See append().
    }
  }
}

function defaultKey(event: Pick<OffloadEvent, 'source' | 'code' | 'file'>): string {
  return `${event.source}|${event.code}|${event.file ?? ''}`;
}

/** One line of the events file, or `undefined` for a torn or foreign line. */
function parseRow(line: string): OffloadEvent | undefined {
  if (!line.trim()) return undefined;
  try {
    const row = JSON.parse(line) as Partial<OffloadEvent> | null;
    if (
      row &&
      typeof row.id === 'number' &&
      typeof row.time === 'string' &&
      !Number.isNaN(Date.parse(row.time)) &&
      typeof row.code === 'string' &&
      typeof row.severity === 'string' &&
      row.severity in SEVERITY_RANK
    ) {
      return { ...row, count: typeof row.count === 'number' ? row.count : 1 } as OffloadEvent;
    }
  } catch {
    // A torn last line after a crash is expected; the rows before it are still good.
  }
  return undefined;
}
