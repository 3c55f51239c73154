import { definePlugin } from '@offloader/core';
import { endpointProblem, proxyProblem } from './client.js';
import { KinesisSink } from './KinesisSink.js';
import { type KinesisSinkOptions, kinesisSinkOptionsSchema } from './options.js';

/** The `kinesis` sink: PutRecords to AWS Kinesis Data Streams (or the embedded local server). */
export const kinesisSink = definePlugin<'sink', KinesisSinkOptions>({
  kind: 'sink',
  type: 'kinesis',
  description:
    'Delivers records to AWS Kinesis Data Streams with PutRecords: per-route streams, partition key templates, ' +
    'limit-safe batching, retries of failed records only, AIMD concurrency, optional KPL aggregation and gzip; ' +
    '`endpoint: local` starts an embedded Kinesis-API server.',
  optionsSchema: kinesisSinkOptionsSchema as unknown as Record<string, unknown>,
  checkOptions: (options) => {
    const problems = [];
    const endpoint = options.endpoint === undefined ? undefined : endpointProblem(options.endpoint);
    if (endpoint) problems.push({ pointer: '/endpoint', message: endpoint });
    const proxy = options.proxy === undefined ? undefined : proxyProblem(options.proxy);
    if (proxy) problems.push({ pointer: '/proxy', message: proxy });
    return problems;
  },
  create: async (options, context) => {
    const sink = new KinesisSink(options, context);
    await sink.resolveRegion();
    return sink;
  },
});

/** Every plugin definition of this package, for the registry. */
export const plugins = [kinesisSink];
