import { randomUUID } from 'node:crypto';
import type { OffloadRecord } from '@offloader/core';

/** Derives a partition key for a record that does not carry one. */
export type PartitionKeyFunction = (record: OffloadRecord) => string;

const PLACEHOLDER = /\{([^{}]+)\}/g;

/**
 * Compiles the `partitionKey` option: `random`, or a template such as `{DMAID}/{EID}/{PID}` whose
 * placeholders name fields of `record.value` (dotted paths reach nested objects). A missing field renders
 * as empty; when no placeholder resolves (the record lacks every field, or carries raw bytes) the key is
 * random, so such records still spread over the shards instead of piling onto the one for "//".
 */
export function compilePartitionKey(option: string): PartitionKeyFunction {
  if (option === 'random') return () => randomUUID();
  const parts: (string | string[])[] = [];
  let last = 0;
  for (const match of option.matchAll(PLACEHOLDER)) {
    parts.push(option.slice(last, match.index));
    parts.push(match[1].trim().split('.'));
    last = (match.index ?? 0) + match[0].length;
  }
  parts.push(option.slice(last));
  const placeholders = parts.filter((part) => Array.isArray(part)).length;
  if (placeholders === 0) return () => option;
  return (record) => {
    let key = '';
    let resolved = 0;
    for (const part of parts) {
      if (typeof part === 'string') {
        key += part;
        continue;
      }
      const value = lookup(record.value, part);
      if (value !== undefined && value !== null) {
        key += typeof value === 'object' ? JSON.stringify(value) : String(value);
        resolved += 1;
      }
    }
    return resolved === 0 ? randomUUID() : key;
  };
}

function lookup(value: unknown, path: string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
