// @ts-check
import { definePlugin } from '@offloader/core';

/** Drops DataMiner records whose ELEMENT_NAME matches one of `drop` (regular expressions, case-insensitive). */
export const elementFilter = definePlugin({
  kind: 'transformer',
  type: 'element-filter',
  description: 'Drops records whose ELEMENT_NAME matches a pattern; optionally keeps only matching ones.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      drop: { type: 'array', items: { type: 'string' }, default: [], description: 'Patterns of elements to drop' },
      keepOnly: { type: 'array', items: { type: 'string' }, default: [], description: 'If set, only these pass' },
    },
  },
  /** @param {{ drop: string[]; keepOnly: string[] }} options */
  create(options) {
    const drop = options.drop.map((pattern) => new RegExp(pattern, 'i'));
    const keep = options.keepOnly.map((pattern) => new RegExp(pattern, 'i'));
    return {
      transform(record) {
        const name = String(/** @type {any} */ (record.value)?.ELEMENT_NAME ?? '');
        if (keep.length > 0 && !keep.some((re) => re.test(name))) return null;
        return drop.some((re) => re.test(name)) ? null : record;
      },
    };
  },
});
