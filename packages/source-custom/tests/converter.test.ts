import { describe, expect, it } from 'vitest';
import type { DataEncoding } from '../src/options.js';
import { type Conversion, decodeCanonicalBase64, RecordConverter } from '../src/RecordConverter.js';

function converter(options: { dataEncoding?: DataEncoding; maxRecordBytes?: number; allowedStreams?: string[] } = {}) {
  return new RecordConverter({
    dataEncoding: options.dataEncoding ?? 'auto',
    maxRecordBytes: options.maxRecordBytes ?? 1024 * 1024,
    allowedStreams: options.allowedStreams ?? [],
  });
}

function bytesOf(result: Conversion): string {
  if (!result.ok) throw new Error(`unexpected problem: ${JSON.stringify(result.problem)}`);
  return Buffer.from(result.entry.data).toString('utf8');
}

describe('Data by dataEncoding', () => {
  // "Test" and "1234" are valid base64: the ambiguity the README warns about.
  it.each<[DataEncoding, unknown, string]>([
    ['auto', 'aGVsbG8=', 'hello'],
    ['auto', 'hello world', 'hello world'],
    ['auto', 'Test', Buffer.from('Test', 'base64').toString('utf8')],
    ['auto', 'aGVsbG8', 'aGVsbG8'],
    ['auto', { a: 1, b: 'é' }, '{"a":1,"b":"é"}'],
    ['auto', [1, 2], '[1,2]'],
    ['auto', 42.5, '42.5'],
    ['auto', true, 'true'],
    ['base64', 'aGVsbG8=', 'hello'],
    ['text', 'aGVsbG8=', 'aGVsbG8='],
    ['text', { a: 1 }, '{"a":1}'],
    ['json', 'aGVsbG8=', '"aGVsbG8="'],
    ['json', { a: [1, { b: null }] }, '{"a":[1,{"b":null}]}'],
  ])('%s: %j → %j', (dataEncoding, data, expected) => {
    expect(bytesOf(converter({ dataEncoding }).convert({ Data: data, PartitionKey: 'k' }, 'record'))).toBe(expected);
  });

  it('keeps the JSON value of a JSON Data for transformers, not of a decoded string', () => {
    const json = converter().convert({ Data: { a: 1 }, PartitionKey: 'k' }, 'record');
    const base64 = converter().convert({ Data: 'aGk=', PartitionKey: 'k' }, 'record');
    expect(json.ok && json.entry.value).toEqual({ a: 1 });
    expect(base64.ok && 'value' in base64.entry).toBe(false);
  });

  it.each([
    ['a character outside the alphabet', 'aGVs*G8=', /character "\*" at position 4/],
    ['URL-safe alphabet', 'a-_x', /character "-" at position 1/],
    ['a line break (MIME style)', 'aGVs\nbG8=', /character "\\n" at position 4/],
    ['missing padding', 'aGVsbG8', /length 7 is not a multiple of 4/],
    ['non-zero trailing bits', 'aGVsbG9=', /not canonical base64/],
    ['padding in the middle', 'aG==bG8=', /not canonical base64/],
  ])('base64 refuses %s', (_name, data, reason) => {
    const result = converter({ dataEncoding: 'base64' }).convert({ Data: data, PartitionKey: 'k' }, 'record');
    expect(result).toMatchObject({ ok: false, problem: { code: 'DATA_ENCODING_INVALID', field: '/Data' } });
    expect(!result.ok && result.problem.reason).toMatch(reason);
  });

  it('base64 refuses a non-string Data', () => {
    const result = converter({ dataEncoding: 'base64' }).convert({ Data: { a: 1 }, PartitionKey: 'k' }, 'record');
    expect(!result.ok && result.problem.reason).toMatch(/must be a base64 string .* found object/);
  });

  it('decodes every byte value exactly', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const decoded = decodeCanonicalBase64(all.toString('base64'));
    expect(Buffer.compare(Buffer.from(decoded!), all)).toBe(0);
    expect(decodeCanonicalBase64('')).toEqual(Buffer.alloc(0));
  });
});

describe('record schema', () => {
  const valid = { Data: 'aGk=', PartitionKey: 'k' };

  it.each([
    ['Data missing', { PartitionKey: 'k' }, '/Data', /is required/],
    ['Data null', { Data: null, PartitionKey: 'k' }, '/Data', /must be string, object, array, number, boolean/],
    ['PartitionKey missing', { Data: 'x' }, '/PartitionKey', /is required/],
    ['PartitionKey empty', { ...valid, PartitionKey: '' }, '/PartitionKey', /fewer than 1 characters/],
    ['PartitionKey of 257 characters', { ...valid, PartitionKey: 'k'.repeat(257) }, '/PartitionKey', /more than 256/],
    ['PartitionKey a number', { ...valid, PartitionKey: 7 }, '/PartitionKey', /must be string/],
    ['ExplicitHashKey with a sign', { ...valid, ExplicitHashKey: '-1' }, '/ExplicitHashKey', /must match pattern/],
    ['ExplicitHashKey with leading zero', { ...valid, ExplicitHashKey: '01' }, '/ExplicitHashKey', /must match/],
    ['ExplicitHashKey 2^128', { ...valid, ExplicitHashKey: (1n << 128n).toString() }, '/ExplicitHashKey', /2\^128/],
    ['ExplicitHashKey of 40 digits', { ...valid, ExplicitHashKey: '1'.repeat(40) }, '/ExplicitHashKey', /pattern/],
    ['an unknown field', { ...valid, SequenceNumber: '1' }, '/SequenceNumber', /not a known field/],
    ['a StreamName inside a JSON document record', { ...valid, StreamName: 's' }, '/StreamName', /not a known/],
    ['not an object', [1, 2], '', /must be object/],
  ])('rejects %s', (_name, entry, field, reason) => {
    const result = converter().convert(entry, 'record');
    expect(result).toMatchObject({ ok: false, problem: { code: 'RECORD_INVALID', field } });
    expect(!result.ok && result.problem.reason).toMatch(reason);
  });

  it.each([
    ['256 ASCII characters', 'k'.repeat(256)],
    ['256 astral characters (512 UTF-16 units)', '😀'.repeat(256)],
  ])('accepts a PartitionKey of %s', (_name, key) => {
    expect(converter().convert({ ...valid, PartitionKey: key }, 'record').ok).toBe(true);
  });

  it.each(['0', ((1n << 128n) - 1n).toString()])('accepts ExplicitHashKey %s', (key) => {
    const result = converter().convert({ ...valid, ExplicitHashKey: key }, 'record');
    expect(result.ok && result.entry.explicitHashKey).toBe(key);
  });
});

describe('size and streams', () => {
  it.each([
    [100, 96, 'k'.repeat(4), true],
    [100, 97, 'k'.repeat(4), false],
    [100, 94, 'é'.repeat(3), true],
    [100, 95, 'é'.repeat(3), false],
  ])('maxRecordBytes %i: %i data bytes + key %j accepted: %s', (max, dataBytes, key, accepted) => {
    const data = Buffer.alloc(dataBytes, 1).toString('base64');
    const result = converter({ maxRecordBytes: max }).convert({ Data: data, PartitionKey: key }, 'record');
    expect(result.ok).toBe(accepted);
    if (!result.ok) {
      expect(result.problem).toMatchObject({ code: 'RECORD_TOO_LARGE', field: '/Data' });
      expect(result.problem.reason).toMatch(/more than maxRecordBytes 100/);
    }
  });

  it.each([
    ['an allowed StreamName', { StreamName: 'orders' }, { ok: true }],
    ['an allowed StreamARN', { StreamARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/audit' }, { ok: true }],
    ['a StreamName not allowed', { StreamName: 'other' }, { ok: false, problem: { code: 'STREAM_NOT_ALLOWED' } }],
    ['a path as StreamName', { StreamName: '../orders' }, { ok: false, problem: { code: 'RECORD_INVALID' } }],
    ['both StreamName and StreamARN', { StreamName: 'orders', StreamARN: 'x' }, { ok: false }],
  ])('a JSON Lines entry with %s', (_name, streamFields, expected) => {
    const allowedStreams = ['orders', 'arn:aws:kinesis:eu-west-1:123456789012:stream/audit'];
    const result = converter({ allowedStreams }).convert({ ...streamFields, Data: 'aGk=', PartitionKey: 'k' }, 'line');
    expect(result).toMatchObject(expected);
    if (result.ok) expect(result.entry.stream).toBe(Object.values(streamFields)[0]);
  });

  it('checks the top-level members of a JSON document', () => {
    const check = converter();
    expect(check.checkFileMembers({ StreamName: 'orders' })).toBeUndefined();
    expect(check.checkFileMembers({ StreamName: 'a/b' })?.reason).toMatch(/StreamName must match pattern/);
    expect(check.checkFileMembers({ Extra: 1 })?.reason).toMatch(/\/Extra is not a known field/);
  });
});
