import { definePlugin, type OptionsProblem, type RouteOrigin } from '@offloader/core';
import { endpointProblem, proxyProblem } from './endpoints.js';
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
    // Empty means "none given" (`proxy: "${HTTPS_PROXY:-}"`): the environment decides, as in resolveProxy.
    const proxy = options.proxy ? proxyProblem(options.proxy) : undefined;
    if (proxy) problems.push({ pointer: '/proxy', message: proxy });
    return problems;
  },
  checkRoutes: (options, routes) => routeProblems(options, routes),
  // The sink itself (and the AWS SDK) is loaded only when a pipeline runs: `offloader validate` reads the
  // definition above, and loading the SDK took more than half of its cold start.
  create: async (options, context) => (await import('./createSink.js')).createKinesisSink(options, context),
});

/** Every plugin definition of this package, for the registry. */
export const plugins = [kinesisSink];

/** Each route the sources produce must have a stream, be dropped on purpose, or fall to `defaultStream`. */
export function routeProblems(options: KinesisSinkOptions, routes: readonly RouteOrigin[]): OptionsProblem[] {
  const problems: OptionsProblem[] = [];
  for (const route of options.drop) {
    if (Object.hasOwn(options.streams, route)) {
      problems.push({
        pointer: '/drop',
        message: `route "${route}" has a stream in streams and is dropped; choose one`,
      });
    }
  }
  if (options.defaultStream !== undefined) return problems;
  const lost = new Map<string, string[]>();
  for (const { route, source } of routes) {
    if (Object.hasOwn(options.streams, route) || options.drop.includes(route)) continue;
    lost.set(route, [...(lost.get(route) ?? []), source]);
  }
  for (const [route, sources] of lost) {
    problems.push({
      pointer: '/streams',
      message:
        `route "${route}" (records of source ${sources.join(', ')}) has no stream: add streams.${route}, set ` +
        `defaultStream, or list it in drop to discard those records on purpose`,
    });
  }
  return problems;
}
