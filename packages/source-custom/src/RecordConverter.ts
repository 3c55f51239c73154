import { readFileSync } from 'node:fs';
import type { ErrorCode } from '@offloader/core';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { DataEncoding } from './options.js';

/** What one valid entry becomes: the exact payload bytes plus the Kinesis fields. */
export interface ConvertedEntry {
  data: Uint8Array;
  /** The JSON value of `Data` when it was sent as JSON (object, array, number, boolean, or a string in `json` mode). */
  value?: unknown;
  partitionKey: string;
  explicitHashKey?: string;
  /** Stream named by the entry itself (JSON Lines only), already checked against `allowedStreams`. */
  stream?: string;
}

/** Why an entry cannot be sent. */
export interface EntryProblem {
  code: ErrorCode;
  /** JSON pointer of the field, `''` for the whole entry. */
  field: string;
  reason: string;
}

export type Conversion = { ok: true; entry: ConvertedEntry } | { ok: false; problem: EntryProblem };

/** The record shape of a `.json` file's `Records`, or a `.jsonl` line (which may name its stream). */
export type EntryShape = 'record' | 'line';

export interface RecordConverterOptions {
  dataEncoding: DataEncoding;
  /** Most bytes of data + UTF-8 partition key. */
  maxRecordBytes: number;
  allowedStreams: readonly string[];
}

const MAX_HASH_KEY = (1n << 128n) - 1n;
const encoder = new TextEncoder();

/** Loads a published schema of this package (`schemas/<name>`), from `src/` or `dist/` alike. */
export function loadSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../schemas/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

/** The three published schemas, compiled once per process. */
class Schemas {
  private static instance?: Schemas;
  readonly record: ValidateFunction;
  readonly line: ValidateFunction;
  readonly file: ValidateFunction;

  private constructor() {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
    ajv.addSchema(loadSchema('custom-record.schema.json'));
    ajv.addSchema(loadSchema('custom-line.schema.json'));
    ajv.addSchema(loadSchema('custom-file.schema.json'));
    const base = 'https://offloader.dev/schemas/source-custom/';
    this.record = ajv.getSchema(`${base}custom-record.schema.json`)!;
    this.line = ajv.getSchema(`${base}custom-line.schema.json`)!;
    this.file = ajv.getSchema(`${base}custom-file.schema.json`)!;
  }

  static get(): Schemas {
    Schemas.instance ??= new Schemas();
    return Schemas.instance;
  }
}

/**
 * Checks one parsed entry against the published schema and turns it into payload bytes. `Data` rules by
 * `dataEncoding`: `base64` — a canonical base64 string, decoded; `text` — a string sent as its UTF-8 bytes;
 * `json` — any value sent as its compact JSON text (a string gets its quotes); `auto` — a string that is
 * canonical base64 is decoded, any other string is sent as UTF-8 text. In every mode but `base64`, a non-string
 * `Data` is sent as its compact JSON text; `base64` refuses it.
 */
export class RecordConverter {
  private readonly schemas = Schemas.get();
  private readonly allowed: ReadonlySet<string>;

  constructor(private readonly options: RecordConverterOptions) {
    this.allowed = new Set(options.allowedStreams);
  }

  /** Validates the top-level members of a `.json` file (without its records); returns problems as text. */
  checkFileMembers(members: Record<string, unknown>): EntryProblem | undefined {
    if (this.schemas.file({ ...members, Records: [] })) return undefined;
    return firstProblem(this.schemas.file.errors ?? []);
  }

  isAllowed(stream: string): boolean {
    return this.allowed.has(stream);
  }

  convert(entry: unknown, shape: EntryShape): Conversion {
    const validate = shape === 'line' ? this.schemas.line : this.schemas.record;
    if (!validate(entry)) return { ok: false, problem: firstProblem(validate.errors ?? []) };
    const fields = entry as {
      Data: unknown;
      PartitionKey: string;
      ExplicitHashKey?: string;
      StreamName?: string;
      StreamARN?: string;
    };
    if (fields.ExplicitHashKey !== undefined && BigInt(fields.ExplicitHashKey) > MAX_HASH_KEY) {
      return problem('RECORD_INVALID', '/ExplicitHashKey', 'must be at most 2^128 - 1');
    }
    const stream = fields.StreamName ?? fields.StreamARN;
    if (fields.StreamName !== undefined && fields.StreamARN !== undefined) {
      return problem('RECORD_INVALID', '/StreamARN', 'give StreamName or StreamARN, not both');
    }
    if (stream !== undefined && !this.allowed.has(stream)) {
      return problem('STREAM_NOT_ALLOWED', fields.StreamName ? '/StreamName' : '/StreamARN', notAllowed(stream));
    }
    const payload = this.payloadOf(fields.Data);
    if ('problem' in payload) return { ok: false, problem: payload.problem };
    const keyBytes = Buffer.byteLength(fields.PartitionKey, 'utf8');
    const total = payload.data.length + keyBytes;
    if (total > this.options.maxRecordBytes) {
      return problem(
        'RECORD_TOO_LARGE',
        '/Data',
        `record is ${total} bytes (Data ${payload.data.length} + PartitionKey ${keyBytes}), more than maxRecordBytes ${this.options.maxRecordBytes}`,
      );
    }
    const converted: ConvertedEntry = { data: payload.data, partitionKey: fields.PartitionKey };
    if (payload.value !== undefined) converted.value = payload.value;
    if (fields.ExplicitHashKey !== undefined) converted.explicitHashKey = fields.ExplicitHashKey;
    if (stream !== undefined) converted.stream = stream;
    return { ok: true, entry: converted };
  }

  private payloadOf(data: unknown): { data: Uint8Array; value?: unknown } | { problem: EntryProblem } {
    const mode = this.options.dataEncoding;
    if (typeof data !== 'string') {
      if (mode === 'base64') {
        return {
          problem: {
            code: 'DATA_ENCODING_INVALID',
            field: '/Data',
            reason: `must be a base64 string (dataEncoding: base64), found ${Array.isArray(data) ? 'array' : typeof data}`,
          },
        };
      }
      return { data: encoder.encode(JSON.stringify(data)), value: data };
    }
    if (mode === 'json') return { data: encoder.encode(JSON.stringify(data)), value: data };
    if (mode === 'text') return { data: encoder.encode(data) };
    const decoded = decodeCanonicalBase64(data);
    if (decoded) return { data: decoded };
    if (mode === 'auto') return { data: encoder.encode(data) };
    return { problem: { code: 'DATA_ENCODING_INVALID', field: '/Data', reason: base64Problem(data) } };
  }
}

/**
 * The bytes of `text` when it is canonical base64 (standard alphabet, `=` padding to a multiple of 4, no
 * whitespace, zero trailing bits — exactly what `Buffer.toString('base64')` writes); otherwise undefined.
 */
export function decodeCanonicalBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  // Node skips characters outside the alphabet; re-encoding exposes them, and any non-canonical form.
  return bytes.toString('base64') === text ? bytes : undefined;
}

function base64Problem(text: string): string {
  const bad = /[^A-Za-z0-9+/=]/.exec(text);
  if (bad) {
    const shown = bad[0] === '\n' ? '\\n' : bad[0] === '\r' ? '\\r' : bad[0];
    return `is not base64: character "${shown}" at position ${bad.index} (dataEncoding: base64)`;
  }
  if (text.length % 4 !== 0)
    return `is not base64: length ${text.length} is not a multiple of 4 (dataEncoding: base64)`;
  return 'is not canonical base64: misplaced "=" padding or non-zero trailing bits (dataEncoding: base64)';
}

export function notAllowed(stream: string): string {
  return `stream "${stream}" is not in allowedStreams`;
}

function problem(code: ErrorCode, field: string, reason: string): Conversion {
  return { ok: false, problem: { code, field, reason } };
}

/** The first ajv error as one readable problem, with up to two more appended. */
function firstProblem(errors: ErrorObject[]): EntryProblem {
  const texts = errors.slice(0, 3).map(describeAjvError);
  const first = errors[0];
  const field = first ? fieldOf(first) : '';
  const more = errors.length > 3 ? `; and ${errors.length - 3} more` : '';
  return { code: 'RECORD_INVALID', field, reason: `${texts.join('; ')}${more}` };
}

function fieldOf(error: ErrorObject): string {
  if (error.keyword === 'required') return `${error.instancePath}/${error.params.missingProperty}`;
  if (error.keyword === 'additionalProperties') return `${error.instancePath}/${error.params.additionalProperty}`;
  return error.instancePath;
}

function describeAjvError(error: ErrorObject): string {
  const field = fieldOf(error) || 'the entry';
  switch (error.keyword) {
    case 'required':
      return `${field} is required`;
    case 'additionalProperties':
      return `${field} is not a known field (allowed: ${knownFields(error)})`;
    case 'type':
      return `${field} must be ${String(error.params.type).replaceAll(',', ', ')}`;
    default:
      return `${field} ${error.message ?? 'is invalid'}`;
  }
}

function knownFields(error: ErrorObject): string {
  const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties).join(', ') : 'see the schema';
}
