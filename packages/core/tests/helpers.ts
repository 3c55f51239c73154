import type { Sink, Source, SourceBatch } from '../src/plugin.js';
import type { BatchAck, OffloadRecord, RecordOutcome } from '../src/record.js';

/** A source that yields `batches` of `size` JSON records, records acks, and can wait on the signal. */
export class ListSource implements Source {
  readonly acks: { batch: number; ack: BatchAck }[] = [];
  yielded = 0;
  stopped = false;

  constructor(
    readonly id: string,
    private readonly batches: number,
    private readonly size: number,
    private readonly options: { waitForSignal?: boolean; route?: (i: number) => string } = {},
  ) {}

  async *read(signal: AbortSignal): AsyncIterable<SourceBatch> {
    for (let b = 0; b < this.batches; b += 1) {
      if (signal.aborted) return;
      const records: OffloadRecord[] = [];
      for (let i = 0; i < this.size; i += 1) {
        const n = b * this.size + i;
        records.push({
          value: { n },
          route: this.options.route?.(n) ?? 'data',
          origin: { sourceId: this.id, index: n },
        });
      }
      this.yielded += 1;
      yield { records, ack: (ack) => void this.acks.push({ batch: b, ack }) };
    }
    if (this.options.waitForSignal && !signal.aborted) {
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}

/** A sink whose writes resolve only when the test releases them. */
export class ControlledSink implements Sink {
  readonly batching = {
    maxRecords: 10,
    maxBytes: 1_000_000,
    lingerMs: 5,
    sizeOf: (r: OffloadRecord) => r.data?.byteLength ?? 0,
  };
  readonly writes: { records: OffloadRecord[]; release: (outcomes?: RecordOutcome[]) => void }[] = [];
  readonly written: OffloadRecord[] = [];
  autoRelease = false;

  constructor(private readonly inFlight = 2) {}

  write(records: OffloadRecord[]): Promise<RecordOutcome[]> {
    return new Promise((resolve) => {
      const release = (outcomes?: RecordOutcome[]) => {
        this.written.push(...records);
        resolve(outcomes ?? records.map(() => ({ status: 'delivered' })));
      };
      if (this.autoRelease) release();
      else this.writes.push({ records, release });
    });
  }

  releaseAll(): void {
    for (const write of this.writes.splice(0)) write.release();
  }

  maxInFlight(): number {
    return this.inFlight;
  }
}

export const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));
