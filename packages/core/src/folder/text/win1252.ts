/**
 * windows-1252 differs from latin1 only in 0x80–0x9F. Node's TextDecoder('windows-1252') decodes those bytes
 * as latin1 C1 controls (seen on node 20), so the mapping is done here.
 */
const HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d,
  0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d,
  0x017e, 0x0178,
];

const C1 = /[\x80-\x9f]/g;
const HAS_C1 = /[\x80-\x9f]/;

/** Decodes windows-1252 bytes. */
export function decodeWin1252(buffer: Buffer, start: number, end: number): string {
  const text = buffer.toString('latin1', start, end);
  return HAS_C1.test(text) ? text.replace(C1, (char) => String.fromCharCode(HIGH[char.charCodeAt(0) - 0x80])) : text;
}
