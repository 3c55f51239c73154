// @ts-check
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CHILD_ENV } from './fork.js';

/**
 * @typedef {object} KinesisServer
 * @property {string} proxyEndpoint  fault proxy (producers talk to this)
 * @property {string} kinesisEndpoint kinesalite itself (read-back goes here, past the proxy)
 * @property {(name: string, shards: number) => Promise<void>} createStream
 * @property {(faults: Record<string, unknown>) => Promise<void>} set
 * @property {() => Promise<void>} reset
 * @property {() => Promise<any>} counters
 * @property {() => Promise<void>} close
 */

/**
 * Starts kinesalite and the fault proxy in a child process, so the producer under test has a core of its own.
 * @returns {Promise<KinesisServer>}
 */
export async function startKinesisServer() {
  const script = fileURLToPath(new URL('../workers/kinesis-server.js', import.meta.url));
  const child = fork(script, [], { env: CHILD_ENV, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  /** @type {Map<number, { resolve: (value: any) => void, reject: (error: Error) => void }>} */
  const waiting = new Map();
  let nextId = 1;
  /** @type {{ proxyEndpoint: string, kinesisEndpoint: string }} */
  const ready = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`kinesis server exited with code ${code}`)));
    child.on('message', (/** @type {any} */ message) => {
      if (message.ready) return resolve(message);
      const pending = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.ok) pending?.resolve(message.result);
      else pending?.reject(new Error(message.error));
    });
  });
  /** @param {string} cmd @param {Record<string, unknown>} [fields] */
  const call = (cmd, fields = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      child.send({ id, cmd, ...fields });
    });
  return {
    ...ready,
    createStream: async (name, shards) => {
      await call('createStream', { name, shards });
    },
    set: async (faults) => {
      await call('set', { faults });
    },
    reset: async () => {
      await call('reset');
    },
    counters: () => call('counters'),
    close: async () => {
      child.removeAllListeners('exit');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await call('close').catch(() => undefined);
      await exited;
    },
  };
}
