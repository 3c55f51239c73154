import { describe, expect, it } from 'vitest';
import { KinesisLimits } from '../src/index.js';
import {
  effectiveLimits,
  explicitHashKeyProblem,
  MIB,
  partitionKeyChars,
  partitionKeyProblem,
  recordBytes,
  recordSizeProblem,
  splitIntoRequests,
} from '../src/limits.js';

describe('limits', () => {
  describe.each([
    // key, characters, valid
    ['a', 1, true],
    ['', 0, false],
    ['x'.repeat(256), 256, true],
    ['x'.repeat(257), 257, false],
    ['é'.repeat(256), 256, true], // 512 UTF-8 bytes, still 256 characters
    ['😀'.repeat(128), 256, true], // beyond U+FFFF: two UTF-16 units each, as the service counts
    ['😀'.repeat(129), 258, false], // 129 code points, but 258 UTF-16 units: refused by the service
    ['\ud800abc', 4, false], // a lone surrogate has no UTF-8 form
    ['100/12/1000', 11, true],
  ])('partition key %#', (key, chars, valid) => {
    it(`counts ${chars} (UTF-16 units) and is ${valid ? 'valid' : 'invalid'}`, () => {
      expect(partitionKeyChars(key)).toBe(chars);
      expect(partitionKeyProblem(key) === undefined).toBe(valid);
    });
  });

  describe.each([
    ['0', true],
    ['340282366920938463463374607431768211455', true], // 2^128 - 1
    ['340282366920938463463374607431768211456', false], // 2^128
    ['01', false],
    ['-1', false],
    ['abc', false],
  ])('explicit hash key %s', (key, valid) => {
    it(`is ${valid ? 'valid' : 'invalid'}`, () => expect(explicitHashKeyProblem(key) === undefined).toBe(valid));
  });

  describe.each([
    // data bytes, key, expected cost, fits under the 1 MiB default
    [0, 'k', 1, true],
    [MIB - 1, 'k', MIB, true],
    [MIB, 'k', MIB + 1, false],
    [MIB - 2, 'é', MIB, true],
    [MIB - 1, 'é', MIB + 1, false],
  ])('record of %i data bytes with key %s', (data, key, cost, fits) => {
    it(`costs ${cost} bytes and ${fits ? 'fits' : 'does not fit'}`, () => {
      expect(recordBytes(data, key)).toBe(cost);
      expect(recordSizeProblem(cost, effectiveLimits()) === undefined).toBe(fits);
    });
  });

  describe.each([
    // configured, effective
    [{}, { maxRecordsPerRequest: 500, maxRecordBytes: MIB, maxRequestBytes: 5 * MIB }],
    [
      { maxRecordBytes: 20 * MIB, maxRequestBytes: 20 * MIB },
      { maxRecordBytes: 10 * MIB, maxRequestBytes: 10 * MIB },
    ],
    [{ maxRecordsPerRequest: 1000 }, { maxRecordsPerRequest: 500 }],
    [
      { maxRecordBytes: 4 * MIB, maxRequestBytes: 2 * MIB },
      { maxRecordBytes: 2 * MIB, maxRequestBytes: 2 * MIB },
    ],
  ])('effective limits for %o', (configured, expected) => {
    it('are clamped to the API ceilings', () => expect(effectiveLimits(configured)).toMatchObject(expected));
  });

  describe.each([
    // items (sizes), limits, expected group sizes
    [Array(1200).fill(10), {}, [500, 500, 200]],
    [Array(500).fill(10), {}, [500]],
    [Array(501).fill(10), {}, [500, 1]],
    [Array(12).fill(MIB), {}, [5, 5, 2]],
    [[3 * MIB, 3 * MIB, MIB, MIB], {}, [1, 3]],
    [Array(6).fill(MIB), { maxRequestBytes: 10 * MIB, maxRecordBytes: MIB }, [6]],
    [[5 * MIB], {}, [1]],
  ])('splitting %#', (sizes, configured, expected) => {
    it(`gives requests of ${expected.join(', ')} records, none over a limit`, () => {
      const limits = effectiveLimits(configured);
      const groups = splitIntoRequests(sizes as number[], (size) => size, limits);
      expect(groups.map((group) => group.length)).toEqual(expected);
      for (const group of groups) {
        expect(group.length).toBeLessThanOrEqual(KinesisLimits.maxRecordsPerRequest);
        expect(group.reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(limits.maxRequestBytes);
      }
    });
  });

  it('refuses an item larger than a request rather than sending it', () => {
    expect(() => splitIntoRequests([6 * MIB], (size) => size, effectiveLimits())).toThrow(
      expect.objectContaining({
        code: 'RECORD_TOO_LARGE',
        message: expect.stringMatching(/exceeds the request budget/),
      }),
    );
  });
});
