import { instanceCachingFactory, type PluginContext } from '@offloader/core';
import { KinesisConnection } from './connection.js';
import { KinesisSink } from './KinesisSink.js';
import type { KinesisSinkOptions } from './options.js';
import { registerKinesisServices } from './services.js';
import { KinesisTokens } from './tokens.js';

/** Builds the `kinesis` sink in the plugin's own container (see services.ts) and resolves its region. */
export async function createKinesisSink(options: KinesisSinkOptions, context: PluginContext): Promise<KinesisSink> {
  registerKinesisServices(context.container, options);
  context.container.register(KinesisTokens.Connection, {
    useFactory: instanceCachingFactory((container) => new KinesisConnection(container)),
  });
  const sink = context.container.resolve(KinesisSink);
  await sink.resolveRegion();
  return sink;
}
