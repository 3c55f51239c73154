// @ts-check
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { definePlugin, payloadOf } from '@offloader/core';

/** Appends each record's payload as one line to a file: the smallest useful sink. */
export const fileSink = definePlugin({
  kind: 'sink',
  type: 'file',
  description: 'Appends every record payload as one line to a file.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: { path: { type: 'string', description: 'File to append to (relative to the pipeline file)' } },
  },
  /** @param {{ path: string }} options */
  create(options, context) {
    const file = resolve(context.baseDir, options.path);
    return {
      batching: { maxRecords: 500, maxBytes: 4 * 1024 * 1024, lingerMs: 50, sizeOf: (r) => payloadOf(r).byteLength },
      async write(records) {
        await mkdir(dirname(file), { recursive: true });
        await appendFile(file, records.map((r) => `${Buffer.from(payloadOf(r)).toString('utf8')}\n`).join(''));
        // Only after the bytes are written do we say so: the source may then commit its progress.
        return records.map(() => ({ status: 'delivered' }));
      },
      maxInFlight: () => 1,
    };
  },
});
