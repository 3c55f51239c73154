import type { BatchingPolicy } from './plugin.js';
import type { OffloadRecord, RecordOutcome } from './record.js';

/** Collects the outcomes of one source batch; the runner owns one per batch. */
export interface OutcomeCollector {
  settle(index: number, outcome: RecordOutcome): void;
}

/** A record waiting for delivery, with the way back to its source batch (no closure per record). */
export interface PendingRecord {
  record: OffloadRecord;
  size: number;
  collector: OutcomeCollector;
  index: number;
}

interface OpenBatch {
  key: string;
  items: PendingRecord[];
  bytes: number;
  timer?: NodeJS.Timeout;
}

/**
 * Groups records per batching key into batches within the sink's record and byte budgets. A batch is sealed when
 * full, when its linger time ends, or on `flush()`; sealed batches wait in `ready` for the dispatcher.
 */
export class Batcher {
  private readonly open = new Map<string, OpenBatch>();
  readonly ready: PendingRecord[][] = [];

  constructor(
    private readonly policy: BatchingPolicy,
    private readonly onReady: () => void,
  ) {}

  add(item: PendingRecord): void {
    const key = this.policy.keyOf?.(item.record) ?? item.record.stream ?? item.record.route;
    let batch = this.open.get(key);
    if (batch && (batch.items.length >= this.policy.maxRecords || batch.bytes + item.size > this.policy.maxBytes)) {
      this.seal(batch);
      batch = undefined;
    }
    if (!batch) {
      batch = { key, items: [], bytes: 0 };
      this.open.set(key, batch);
      if (this.policy.lingerMs > 0) {
        const opened = batch;
        opened.timer = setTimeout(() => this.seal(opened), this.policy.lingerMs);
      }
    }
    batch.items.push(item);
    batch.bytes += item.size;
    if (batch.items.length >= this.policy.maxRecords) this.seal(batch);
  }

  /**
   * Seals every open batch when the policy does not linger (`lingerMs` ≤ 0). The runner calls it once a
   * source batch is handed out (and before it waits for space), so records are grouped per source batch
   * instead of written one by one, and never wait for the next source batch.
   */
  release(): void {
    if (this.policy.lingerMs <= 0) this.flush();
  }

  /** Seals every open batch now (end of input, shutdown). */
  flush(): void {
    for (const batch of [...this.open.values()]) this.seal(batch);
  }

  /** Records sealed or still open. */
  get size(): number {
    let count = 0;
    for (const batch of this.open.values()) count += batch.items.length;
    for (const batch of this.ready) count += batch.length;
    return count;
  }

  private seal(batch: OpenBatch): void {
    if (this.open.get(batch.key) !== batch) return;
    clearTimeout(batch.timer);
    this.open.delete(batch.key);
    if (batch.items.length === 0) return;
    this.ready.push(batch.items);
    this.onReady();
  }
}
