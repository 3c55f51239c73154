// @ts-check
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { definePlugin, RowError } from '@offloader/core';

/** Reads one JSON-lines file once: every line becomes one record. Shows the Source contract in brief. */
export const jsonlSource = definePlugin({
  kind: 'source',
  type: 'jsonl-file',
  description: 'Reads one JSON-lines file once; each line becomes one record.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', description: 'JSON-lines file to read (relative to the pipeline file)' },
      route: { type: 'string', default: 'custom', description: 'Route of the records (selects the stream)' },
    },
  },
  /** @param {{ path: string; route: string }} options */
  create(options, context) {
    const file = resolve(context.baseDir, options.path);
    return {
      id: context.id,
      async *read(signal) {
        let line = 0;
        for await (const text of createInterface({
          input: createReadStream(file),
          crlfDelay: Number.POSITIVE_INFINITY,
        })) {
          line += 1;
          if (signal.aborted) return;
          if (!text.trim()) continue;
          const origin = { sourceId: context.id, file, line };
          let value;
          try {
            value = JSON.parse(text);
          } catch (error) {
            throw new RowError(`not JSON: ${/** @type {Error} */ (error).message}`, { file, line });
          }
          // ack() is where a real source commits progress (see @offloader/core's FolderSource).
          yield { records: [{ value, route: options.route, origin }], ack: () => {} };
        }
      },
    };
  },
});
