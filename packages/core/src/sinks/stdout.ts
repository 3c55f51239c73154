import type { Writable } from 'node:stream';
import { definePlugin, type Sink } from '../plugin.js';
import type { OffloadRecord, RecordOutcome } from '../record.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * `{"route","partitionKey","data"}` for one record: `data` is the JSON document when the payload is JSON,
 * else the payload in base64 (`"encoding":"base64"` is added then).
 */
export function recordToJsonLine(record: OffloadRecord): string {
  const head = {
    route: record.route,
    partitionKey: record.partitionKey ?? null,
  };
  if (record.data === undefined) return JSON.stringify({ ...head, data: record.value ?? null });
  try {
    return JSON.stringify({ ...head, data: JSON.parse(decoder.decode(record.data)) });
  } catch {
    return JSON.stringify({ ...head, data: Buffer.from(record.data).toString('base64'), encoding: 'base64' });
  }
}

/** Writes each record as one JSON line; resolves once the stream took the bytes (so backpressure holds). */
export class JsonLinesSink implements Sink {
  readonly batching;

  constructor(
    private readonly out: Writable,
    options: { maxRecords?: number; lingerMs?: number } = {},
    private readonly inner?: Sink,
  ) {
    this.batching = {
      maxRecords: options.maxRecords ?? 500,
      maxBytes: Number.MAX_SAFE_INTEGER,
      lingerMs: options.lingerMs ?? 0,
      sizeOf: (record: OffloadRecord) => record.data?.byteLength ?? 0,
      // Keep the order of the input across routes: one sequence, never grouped per stream.
      keyOf: () => 'all',
    };
  }

  prepare(record: OffloadRecord): void {
    this.inner?.prepare?.(record);
  }

  async write(records: OffloadRecord[]): Promise<RecordOutcome[]> {
    let text = '';
    for (const record of records) text += `${recordToJsonLine(record)}\n`;
    if (!this.out.write(text)) await new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
    return records.map(() => DELIVERED);
  }

  maxInFlight(): number {
    return 1;
  }
}

export const stdoutSink = definePlugin<'sink', { lingerMs: number }>({
  kind: 'sink',
  type: 'stdout',
  description: 'Prints every record as one JSON line on stdout: {"route","partitionKey","data"}. For trials and pipes.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      lingerMs: { type: 'integer', minimum: 0, default: 0, description: 'Wait this long to group lines' },
    },
  },
  create: (options) => new JsonLinesSink(process.stdout, options),
});

/** One shared outcome for every record: the null sink's answer must cost next to nothing. */
const DELIVERED: RecordOutcome = Object.freeze({ status: 'delivered' });

/** Counts and drops every record. For benchmarks of the read/transform path. */
export class NullSink implements Sink {
  readonly batching = {
    maxRecords: 500,
    maxBytes: 5 * 1024 * 1024,
    lingerMs: 0,
    sizeOf: (r: OffloadRecord) => r.data?.byteLength ?? 0,
  };
  delivered = 0;
  bytes = 0;

  async write(records: OffloadRecord[]): Promise<RecordOutcome[]> {
    this.delivered += records.length;
    for (const record of records) this.bytes += record.data?.byteLength ?? 0;
    return records.map(() => DELIVERED);
  }

  maxInFlight(): number {
    return 4;
  }
}

export const nullSink = definePlugin<'sink', Record<string, never>>({
  kind: 'sink',
  type: 'null',
  description: 'Accepts and drops every record (counts them). For benchmarks and tests of the read path.',
  optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
  create: () => new NullSink(),
});
