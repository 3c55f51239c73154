// @ts-check
// The server side of B2/B3 in its own process (own core): kinesalite behind the fault proxy, driven over IPC.
import { startLocalKinesis } from '@offloader/sink-kinesis/local';
import { startFaultProxy } from '@offloader/testkit';

const local = await startLocalKinesis({ shardLimit: 1000 });
const proxy = await startFaultProxy({ target: local.endpoint });

/** @type {Record<string, (message: any) => Promise<unknown> | unknown>} */
const commands = {
  createStream: (message) => local.createStream({ name: message.name, shards: message.shards }),
  set: (message) => proxy.set(message.faults),
  reset: () => proxy.resetCounters(),
  counters: () => ({ ...proxy.counters }),
  close: async () => {
    await proxy.close();
    await local.close();
    setImmediate(() => process.exit(0));
  },
};

process.on('message', async (/** @type {any} */ message) => {
  try {
    const result = await commands[message.cmd](message);
    process.send?.({ id: message.id, ok: true, result });
  } catch (error) {
    process.send?.({ id: message.id, ok: false, error: String(error) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true, proxyEndpoint: proxy.endpoint, kinesisEndpoint: local.endpoint });
