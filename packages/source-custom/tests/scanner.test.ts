import { describe, expect, it } from 'vitest';
import { DocumentStructureError, JsonRecordsScanner, type ScannedElement } from '../src/JsonRecordsScanner.js';

/** Feeds `text` in chunks of `size` bytes and returns the elements, members and whether a document was seen. */
function scan(text: string, size: number, options: { skipThrough?: number; maxElementBytes?: number } = {}) {
  const scanner = new JsonRecordsScanner({
    captureElements: true,
    maxElementBytes: options.maxElementBytes ?? 1024,
    skipThrough: options.skipThrough,
  });
  const bytes = Buffer.from(text, 'utf8');
  const elements: ScannedElement[] = [];
  for (let at = 0; at < bytes.length; at += size) elements.push(...scanner.push(bytes.subarray(at, at + size)));
  const present = scanner.end();
  const texts = elements.map((element) => element.bytes && Buffer.from(element.bytes).toString('utf8').trim());
  return { elements, texts, members: Object.fromEntries(scanner.members), present };
}

const CHUNK_SIZES = [1, 2, 3, 7, 64, 1 << 20];

const tricky = [
  '{"Records":[',
  '{"Data":"a]}\\"[{,","PartitionKey":"k\\\\"},',
  '\r\n  {"Data":{"n":[1,{"x":"}"}]},"PartitionKey":"é"} ,',
  '{"Data":"\\u005d\\"","PartitionKey":"\\"]"}',
  '],\r\n"StreamName":"after-records"}',
].join('');

describe('JsonRecordsScanner', () => {
  describe.each(CHUNK_SIZES)('in chunks of %i bytes', (size) => {
    it('cuts out each element, with brackets, commas and escaped quotes inside strings', () => {
      const { texts, members, elements } = scan(tricky, size);
      expect(texts).toEqual([
        '{"Data":"a]}\\"[{,","PartitionKey":"k\\\\"}',
        '{"Data":{"n":[1,{"x":"}"}]},"PartitionKey":"é"}',
        '{"Data":"\\u005d\\"","PartitionKey":"\\"]"}',
      ]);
      for (const text of texts) expect(() => JSON.parse(text!)).not.toThrow();
      expect(members).toEqual({ StreamName: '"after-records"' });
      expect(elements.map((element) => [element.ordinal, element.line])).toEqual([
        [1, 1],
        [2, 2],
        [3, 2],
      ]);
    });
  });

  it.each([
    ['an empty file', '', false],
    ['whitespace only', ' \r\n\t ', false],
    ['an empty Records array', '{"Records":[]}', true],
    ['an empty Records array with spaces', '{ "Records" : [ \r\n ] }', true],
  ])('accepts %s', (_name, text, present) => {
    const result = scan(text, 3);
    expect(result.present).toBe(present);
    expect(result.elements).toEqual([]);
  });

  it('reports an empty element for a trailing or doubled comma, so the record (not the file) is rejected', () => {
    const { texts } = scan('{"Records":[{"a":1},,{"b":2},]}', 5);
    expect(texts).toEqual(['{"a":1}', '', '{"b":2}', '']);
  });

  it('keeps members before and after Records, in any number', () => {
    const { members } = scan('{"StreamARN":"arn:x","Records":[],"Extra":{"a":[1,"]"]}}', 4);
    expect(members).toEqual({ StreamARN: '"arn:x"', Extra: '{"a":[1,"]"]}' });
  });

  it('counts skipped elements without keeping them (resume)', () => {
    const { elements } = scan('{"Records":[{"a":1},{"a":2},{"a":3}]}', 4, { skipThrough: 2 });
    expect(elements.map((element) => [element.ordinal, element.bytes !== undefined])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
  });

  it('measures an element over the limit without keeping it', () => {
    const big = `{"Data":"${'x'.repeat(5000)}","PartitionKey":"k"}`;
    const { elements } = scan(`{"Records":[${big},{"a":1}]}`, 100, { maxElementBytes: 1000 });
    expect(elements[0].bytes).toBeUndefined();
    expect(elements[0].size).toBe(big.length);
    expect(elements[1].bytes).toBeDefined();
  });

  it.each([
    ['not JSON at all', 'id,value\n1,2\n', 1, /expected "\{"/],
    ['a top-level array', '[{"Data":"x"}]', 1, /expected "\{"/],
    ['truncated inside Records', '{"Records":[{"Data":"x"}', 1, /ends early/],
    ['an unclosed string', '{"Records":[{"Data":"x}]}\n', 2, /ends early/],
    ['trailing garbage', '{"Records":[]}\n\nxyz', 3, /after the end of the document/],
    ['Records that is not an array', '{"Records":{"a":1}}', 1, /must be an array/],
    ['Records twice', '{"Records":[],"Records":[]}', 1, /appears twice/],
    ['no Records', '{"StreamName":"s"}', 1, /no "Records" array/],
    ['an unquoted member name', '{Records:[]}', 1, /member name in double quotes/],
    ['a missing colon', '{"Records" []}', 1, /expected ":"/],
    ['a "}" closing Records', '{"Records":[{"a":1}}', 1, /closes more than was opened/],
  ])('refuses %s with the line', (_name, text, line, message) => {
    let caught: unknown;
    try {
      scan(text, 2);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DocumentStructureError);
    expect((caught as DocumentStructureError).message).toMatch(message);
    expect((caught as DocumentStructureError).line).toBe(line);
  });
});
