import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deaggregate, type UserRecord } from '../src/index.js';
import { aggregate, isAggregated, KPL_MAGIC, KplAggregator } from '../src/kpl.js';

const text = (records: UserRecord[] | undefined) =>
  records?.map((r) => ({ ...r, data: Buffer.from(r.data).toString('utf8') }));

describe('KPL aggregated format', () => {
  // Known vectors produced by the reference implementations (awslabs/kinesis-aggregation tests).
  describe.each([
    [
      '84mawgoCcDEaGAgAGhQwMTIzNDU2Nzg5MDEyMzQ1NjdfQRoYCAAaFDAxMjM0NTY3ODkwMTIzNDU2N19CGhgIABoUMDEyMzQ1Njc4OTAxMjM0NTY3X0NHjL02iyRk3D+kO2UC2X6u',
      [
        { partitionKey: 'p1', data: '012345678901234567_A' },
        { partitionKey: 'p1', data: '012345678901234567_B' },
        { partitionKey: 'p1', data: '012345678901234567_C' },
      ],
    ],
    [
      '84mawgoFa2V5LTAaJQgAGiFUZXN0aW5nIEtQTCBBZ2dyZWdhdGVkIFJlY29yZCAxLTBlW2Hfd6iL1WkMbznr8jc2',
      [{ partitionKey: 'key-0', data: 'Testing KPL Aggregated Record 1-0' }],
    ],
  ])('reference vector %#', (base64, expected) => {
    const bytes = Buffer.from(base64, 'base64');

    it('de-aggregates to the known user records', () => {
      expect(text(deaggregate(bytes))).toEqual(expected);
    });

    it('is reproduced byte for byte by our encoder', () => {
      const encoded = aggregate(expected.map((r) => ({ partitionKey: r.partitionKey, data: Buffer.from(r.data) })));
      expect(encoded.toString('base64')).toBe(base64);
    });
  });

  it('round-trips keys, explicit hash keys, binary and empty data', () => {
    const records: UserRecord[] = [
      { partitionKey: 'a', data: Buffer.from('one') },
      { partitionKey: 'b', explicitHashKey: '12345', data: Buffer.from([0, 255, 1, 128]) },
      { partitionKey: 'a', data: Buffer.alloc(0) },
      { partitionKey: 'ü/😀', explicitHashKey: '12345', data: Buffer.alloc(300, 7) },
    ];
    const encoded = aggregate(records);
    expect(encoded.subarray(0, 4)).toEqual(KPL_MAGIC);
    const decoded = deaggregate(encoded);
    expect(decoded?.map((r) => ({ ...r, data: Buffer.from(r.data) }))).toEqual(
      records.map((r) => ({ ...r, data: Buffer.from(r.data) })),
    );
  });

  it('predicts the encoded size exactly, so aggregates can stop short of the record limit', () => {
    const aggregator = new KplAggregator();
    for (let i = 0; i < 300; i++) {
      const record = { partitionKey: `key-${i % 17}`, data: Buffer.alloc(i * 3, 1) };
      const predicted = aggregator.sizeWith(record);
      aggregator.add(record);
      expect(aggregator.build().data.length).toBe(predicted);
    }
  });

  describe.each([
    ['plain JSON', Buffer.from('{"a":1}')],
    ['magic but wrong digest', Buffer.concat([KPL_MAGIC, Buffer.from([0x0a, 0x01, 0x61]), Buffer.alloc(16)])],
    ['too short', Buffer.from(KPL_MAGIC)],
  ])('%s', (_name, bytes) => {
    it('is not treated as an aggregate', () => {
      expect(isAggregated(bytes)).toBe(false);
      expect(deaggregate(bytes)).toBeUndefined();
    });
  });

  it('checks the MD5 trailer over the protobuf bytes', () => {
    const encoded = aggregate([{ partitionKey: 'k', data: Buffer.from('x') }]);
    const body = encoded.subarray(4, encoded.length - 16);
    expect(encoded.subarray(encoded.length - 16)).toEqual(createHash('md5').update(body).digest());
  });
});
