// @ts-check
import { definePlugin } from '@offloader/core';

const BASE_UNIX = 1_773_479_100;
const ELEMENTS = ['Encodeur Québec-01', 'IRD 07 Tokyo', 'Mux Lisboa 3', 'Modulator – North'];
const PARAMETERS = ['Output Bitrate', 'Input Level ASI 1', 'CPU Load', 'Carrier Power'];

/**
 * The JSON document of the `i`-th generated Data row, shaped like the DataMiner reader's output (~300 bytes).
 * TIMESTAMP_UNIX is unique per record so a read-back can count distinct records.
 * @param {number} i
 */
export function trendValue(i) {
  const unix = BASE_UNIX + i;
  return {
    DOCUMENT_TYPE: 'DATA',
    DMAID: 346,
    EID: 10 + (i % 200),
    PID: 1000 + (i % 97),
    INDEX: i % 5 === 0 ? `row-${i % 40}` : '',
    VALUE: (7 + (i % 1000) / 1000).toFixed(3),
    TIMESTAMP: new Date(unix * 1000).toISOString().slice(0, 19),
    TIMESTAMP_UNIX: unix,
    ISTATUS: 0,
    ISTATUS_DESC: 'Normal',
    ELEMENT_NAME: ELEMENTS[i % ELEMENTS.length],
    PARAMETER_NAME: PARAMETERS[i % PARAMETERS.length],
  };
}

/** The partition key the sink's default template `{DMAID}/{EID}/{PID}` gives. @param {ReturnType<typeof trendValue>} value */
export function defaultPartitionKey(value) {
  return `${value.DMAID}/${value.EID}/${value.PID}`;
}

/**
 * A source that yields `count` generated trend records in batches of `batchSize`, so sink benchmarks run
 * through the real pipeline runner (batching, backpressure, acknowledgements) without file I/O.
 */
export const generatedSource = definePlugin({
  kind: 'source',
  type: 'bench-generated',
  description: 'Yields generated DataMiner-like trend records (benchmarks only).',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['count'],
    properties: {
      count: { type: 'integer', minimum: 1, description: 'Records to yield.', examples: [200000] },
      batchSize: { type: 'integer', minimum: 1, default: 500, description: 'Records per batch.', examples: [500] },
    },
  },
  create: (/** @type {any} */ options, context) => ({
    id: context.id,
    async *read(/** @type {AbortSignal} */ signal) {
      for (let start = 0; start < options.count && !signal.aborted; start += options.batchSize) {
        const end = Math.min(options.count, start + options.batchSize);
        const records = [];
        for (let i = start; i < end; i += 1) {
          records.push({ route: 'data', value: trendValue(i), origin: { sourceId: context.id, index: i } });
        }
        yield { records, ack: () => {} };
      }
    },
  }),
});
