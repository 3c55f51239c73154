import { createHash } from 'node:crypto';
import { KplError } from './errors.js';

/**
 * KPL aggregated record format (amazon-kinesis-producer `aggregation-format.md`):
 * `F3 89 9A C2` + protobuf `AggregatedRecord` + MD5 of the protobuf bytes (16 bytes).
 *
 * ```proto
 * message AggregatedRecord { repeated string partition_key_table = 1; repeated string explicit_hash_key_table = 2;
 *                            repeated Record records = 3; }
 * message Record { required uint64 partition_key_index = 1; optional uint64 explicit_hash_key_index = 2;
 *                  required bytes data = 3; repeated Tag tags = 4; }
 * ```
 * Encoded by hand: the schema is tiny and stable, and no protobuf runtime is needed.
 */
export const KPL_MAGIC = Buffer.from([0xf3, 0x89, 0x9a, 0xc2]);
const DIGEST_BYTES = 16;
/** Bytes an aggregated record adds around its protobuf body. */
export const KPL_OVERHEAD = KPL_MAGIC.length + DIGEST_BYTES;

/** One user record inside an aggregated Kinesis record. */
export interface UserRecord {
  partitionKey: string;
  explicitHashKey?: string;
  data: Uint8Array;
}

function varintLength(value: number): number {
  let length = 1;
  let rest = value;
  while (rest >= 0x80) {
    rest = Math.floor(rest / 128);
    length += 1;
  }
  return length;
}

/** Bytes of a length-delimited field (tag + length + payload) with a one-byte tag. */
function delimitedLength(payloadLength: number): number {
  return 1 + varintLength(payloadLength) + payloadLength;
}

function recordBodyLength(keyIndex: number, hashIndex: number | undefined, dataLength: number): number {
  const hashPart = hashIndex === undefined ? 0 : 1 + varintLength(hashIndex);
  return 1 + varintLength(keyIndex) + hashPart + delimitedLength(dataLength);
}

/**
 * Packs user records into one aggregated record, tracking its exact encoded size so callers can stop
 * before a size limit. Identical partition keys / hash keys share one table entry, as the KPL does.
 */
export class KplAggregator {
  private readonly keys = new Map<string, number>();
  private readonly hashKeys = new Map<string, number>();
  private readonly entries: { keyIndex: number; hashIndex?: number; data: Uint8Array }[] = [];
  private protobufBytes = 0;
  private firstKey?: string;
  private firstHashKey?: string;

  get count(): number {
    return this.entries.length;
  }

  /** Encoded size (magic + protobuf + digest) if `record` were added. */
  sizeWith(record: UserRecord): number {
    return KPL_OVERHEAD + this.protobufBytes + this.growthOf(record);
  }

  /** Kinesis record cost (aggregated data + outer partition key) if `record` were added. */
  costWith(record: UserRecord): number {
    return this.sizeWith(record) + Buffer.byteLength(this.firstKey ?? record.partitionKey, 'utf8');
  }

  add(record: UserRecord): void {
    this.protobufBytes += this.growthOf(record);
    const keyIndex = indexIn(this.keys, record.partitionKey);
    const hashIndex = record.explicitHashKey === undefined ? undefined : indexIn(this.hashKeys, record.explicitHashKey);
    this.entries.push({ keyIndex, hashIndex, data: record.data });
    if (this.entries.length === 1) {
      this.firstKey = record.partitionKey;
      this.firstHashKey = record.explicitHashKey;
    }
  }

  /** The Kinesis record: data, plus the first user record's keys so the aggregate lands on its shard. */
  build(): { data: Buffer; partitionKey: string; explicitHashKey?: string } {
    if (this.entries.length === 0 || this.firstKey === undefined) throw new KplError('empty KPL aggregate');
    const body = Buffer.allocUnsafe(this.protobufBytes);
    let offset = 0;
    const writeVarint = (value: number) => {
      let rest = value;
      while (rest >= 0x80) {
        body[offset++] = (rest % 128) | 0x80;
        rest = Math.floor(rest / 128);
      }
      body[offset++] = rest;
    };
    const writeBytes = (tag: number, bytes: Uint8Array) => {
      body[offset++] = tag;
      writeVarint(bytes.length);
      body.set(bytes, offset);
      offset += bytes.length;
    };
    for (const key of this.keys.keys()) writeBytes(0x0a, Buffer.from(key, 'utf8'));
    for (const key of this.hashKeys.keys()) writeBytes(0x12, Buffer.from(key, 'utf8'));
    for (const entry of this.entries) {
      body[offset++] = 0x1a;
      writeVarint(recordBodyLength(entry.keyIndex, entry.hashIndex, entry.data.length));
      body[offset++] = 0x08;
      writeVarint(entry.keyIndex);
      if (entry.hashIndex !== undefined) {
        body[offset++] = 0x10;
        writeVarint(entry.hashIndex);
      }
      writeBytes(0x1a, entry.data);
    }
    if (offset !== body.length) throw new KplError(`KPL size accounting is off: ${offset} != ${body.length}`);
    const digest = createHash('md5').update(body).digest();
    return {
      data: Buffer.concat([KPL_MAGIC, body, digest]),
      partitionKey: this.firstKey,
      explicitHashKey: this.firstHashKey,
    };
  }

  private growthOf(record: UserRecord): number {
    let growth = 0;
    let keyIndex = this.keys.get(record.partitionKey);
    if (keyIndex === undefined) {
      keyIndex = this.keys.size;
      growth += delimitedLength(Buffer.byteLength(record.partitionKey, 'utf8'));
    }
    let hashIndex: number | undefined;
    if (record.explicitHashKey !== undefined) {
      hashIndex = this.hashKeys.get(record.explicitHashKey);
      if (hashIndex === undefined) {
        hashIndex = this.hashKeys.size;
        growth += delimitedLength(Buffer.byteLength(record.explicitHashKey, 'utf8'));
      }
    }
    return growth + delimitedLength(recordBodyLength(keyIndex, hashIndex, record.data.length));
  }
}

function indexIn(table: Map<string, number>, key: string): number {
  let index = table.get(key);
  if (index === undefined) {
    index = table.size;
    table.set(key, index);
  }
  return index;
}

/** Encodes `records` as one aggregated record (convenience over {@link KplAggregator}). */
export function aggregate(records: readonly UserRecord[]): Buffer {
  const aggregator = new KplAggregator();
  for (const record of records) aggregator.add(record);
  return aggregator.build().data;
}

/** True when `data` starts with the KPL magic and ends with a matching MD5 digest. */
export function isAggregated(data: Uint8Array): boolean {
  if (data.length < KPL_OVERHEAD || !KPL_MAGIC.equals(Buffer.from(data.buffer, data.byteOffset, 4))) return false;
  const body = data.subarray(4, data.length - DIGEST_BYTES);
  const digest = createHash('md5').update(body).digest();
  return digest.equals(data.subarray(data.length - DIGEST_BYTES));
}

/**
 * User records of an aggregated Kinesis record, or `undefined` when `data` is not one (no magic, bad digest):
 * the caller then treats `data` as a plain record, as KCL does.
 */
export function deaggregate(data: Uint8Array): UserRecord[] | undefined {
  if (!isAggregated(data)) return undefined;
  const body = Buffer.from(data.buffer, data.byteOffset + 4, data.length - KPL_OVERHEAD);
  const reader = new ProtobufReader(body);
  const keys: string[] = [];
  const hashKeys: string[] = [];
  const raw: { keyIndex: number; hashIndex?: number; data: Uint8Array }[] = [];
  while (!reader.done()) {
    const { field, wireType } = reader.tag();
    if (field === 1 && wireType === 2) keys.push(reader.bytes().toString('utf8'));
    else if (field === 2 && wireType === 2) hashKeys.push(reader.bytes().toString('utf8'));
    else if (field === 3 && wireType === 2) raw.push(parseRecord(new ProtobufReader(reader.bytes())));
    else reader.skip(wireType);
  }
  return raw.map((entry) => {
    const partitionKey = keys[entry.keyIndex];
    if (partitionKey === undefined) throw new KplError(`KPL record points at missing partition key ${entry.keyIndex}`);
    const record: UserRecord = { partitionKey, data: entry.data };
    if (entry.hashIndex !== undefined) record.explicitHashKey = hashKeys[entry.hashIndex];
    return record;
  });
}

function parseRecord(reader: ProtobufReader): { keyIndex: number; hashIndex?: number; data: Uint8Array } {
  let keyIndex = 0;
  let hashIndex: number | undefined;
  let data: Uint8Array = Buffer.alloc(0);
  while (!reader.done()) {
    const { field, wireType } = reader.tag();
    if (field === 1 && wireType === 0) keyIndex = reader.varint();
    else if (field === 2 && wireType === 0) hashIndex = reader.varint();
    else if (field === 3 && wireType === 2) data = reader.bytes();
    else reader.skip(wireType);
  }
  return { keyIndex, hashIndex, data };
}

class ProtobufReader {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  done(): boolean {
    return this.offset >= this.buffer.length;
  }

  tag(): { field: number; wireType: number } {
    const value = this.varint();
    return { field: Math.floor(value / 8), wireType: value % 8 };
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.offset >= this.buffer.length) throw new KplError('truncated protobuf varint');
      const byte = this.buffer[this.offset++];
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
  }

  bytes(): Buffer {
    const length = this.varint();
    if (this.offset + length > this.buffer.length) throw new KplError('truncated protobuf field');
    const slice = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.offset += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.offset += 4;
    else throw new KplError(`unsupported protobuf wire type ${wireType}`);
  }
}
