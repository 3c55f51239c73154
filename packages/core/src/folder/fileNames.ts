import { createHash } from 'node:crypto';

/**
 * Bytes a name of ours (claim, done marker, rejected output, archive copy) may take. File systems allow 255;
 * the rest is room for what is added around it later (`.<uuid>.tmp`, `.<uuid>.stale`: 42 bytes).
 */
export const MAX_NAME_BYTES = 200;

/** Hex digits of the SHA-256 of the whole name kept in a shortened one: enough to never collide in one folder. */
const HASH_CHARS = 16;

/**
 * `stem + suffix` when it fits in `maxBytes` (UTF-8); otherwise a readable prefix of `stem`, `~`, a hash of the
 * whole stem, and `suffix`. Equal stems give equal names, so a claim or output is found again after a restart.
 */
export function fitName(stem: string, suffix = '', maxBytes = MAX_NAME_BYTES): string {
  if (Buffer.byteLength(stem + suffix) <= maxBytes) return stem + suffix;
  const hash = createHash('sha256').update(stem).digest('hex').slice(0, HASH_CHARS);
  const budget = maxBytes - Buffer.byteLength(suffix) - HASH_CHARS - 1;
  let prefix = '';
  let bytes = 0;
  // By code point, so no character is cut in half.
  for (const char of stem) {
    const size = Buffer.byteLength(char);
    if (bytes + size > budget) break;
    prefix += char;
    bytes += size;
  }
  return `${prefix}~${hash}${suffix}`;
}
