/** Where a record came from, so acknowledgements, events and quarantine can name it. */
export interface RecordOrigin {
  /** Id of the source plugin instance (`sources[i].id`, default `<type>-<i>`). */
  sourceId: string;
  /** Input file path, when the source reads files. */
  file?: string;
  /** 1-based line of the row in `file` (first line of a multi-line row). */
  line?: number;
  /** 0-based index of the record inside its file or request. */
  index?: number;
}

/**
 * One unit of delivery: one Kinesis record, before any aggregation.
 *
 * A record carries either a JSON `value` (serialised by the runner after the transformers ran) or raw
 * `data` bytes (kept as they are). Transformers that change `value` must drop `data` — use {@link withValue}.
 */
export interface OffloadRecord {
  /** JSON document of the record, when the payload is JSON. */
  value?: unknown;
  /** Payload bytes exactly as they will be sent. Filled from `value` when absent. */
  data?: Uint8Array;
  /** Route key that selects the stream in the sink: `data`, `dataavg`, `alarm`, `custom`, ... */
  route: string;
  /** Stream named by the input itself (custom files); the source has already checked it is allowed. */
  stream?: string;
  /** Kinesis partition key; when absent the sink derives one from its `partitionKey` option. */
  partitionKey?: string;
  /** Kinesis explicit hash key (decimal 128-bit integer as text). */
  explicitHashKey?: string;
  origin: RecordOrigin;
}

/** Returns a copy of `record` with a new JSON value and no stale `data` bytes. */
export function withValue(record: OffloadRecord, value: unknown): OffloadRecord {
  const { data: _stale, ...rest } = record;
  return { ...rest, value };
}

/** The bytes the sink will send for `record`: `data`, or the UTF-8 JSON of `value`. */
export function payloadOf(record: OffloadRecord): Uint8Array {
  if (record.data === undefined) {
    // Buffer.from (a Uint8Array) encodes short strings about 3× faster than TextEncoder on node 20.
    record.data = Buffer.from(JSON.stringify(record.value ?? null), 'utf8');
  }
  return record.data;
}

/** Final fate of one record handed to a sink. */
export type RecordOutcome =
  | { status: 'delivered'; stream?: string; shardId?: string; sequenceNumber?: string }
  /** Dropped on purpose by a transformer; counts as done. */
  | { status: 'filtered' }
  /** Can never be delivered as it is; the source quarantines it and moves on. */
  | { status: 'rejected'; error: Error }
  /** Not delivered now (outage, non-retryable stream error, retries exhausted); the source keeps it. */
  | { status: 'failed'; error: Error };

/** What a source learns about one of its batches once every record has an outcome. */
export interface BatchAck {
  /** One outcome per record, in the order the source yielded them. */
  outcomes: RecordOutcome[];
  delivered: number;
  filtered: number;
  rejected: number;
  failed: number;
}

export function summariseOutcomes(outcomes: RecordOutcome[]): BatchAck {
  const ack: BatchAck = { outcomes, delivered: 0, filtered: 0, rejected: 0, failed: 0 };
  for (const outcome of outcomes) ack[outcome.status] += 1;
  return ack;
}
