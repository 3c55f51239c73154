import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ResourceInUseException,
} from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../client.js';
import { LocalServerError } from '../errors.js';

/** Credentials the local server accepts (it checks only that a signature is present). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local-secret' } as const;
export const LOCAL_REGION = 'us-east-1';

type Kinesalite = typeof import('kinesalite').default;

/**
 * kinesalite is an optional peer dependency (its LevelDB binding is native): production installs that never
 * use `endpoint: local` do not carry it. It is loaded on first use only.
 */
async function loadKinesalite(): Promise<Kinesalite> {
  try {
    return (await import('kinesalite')).default;
  } catch (error) {
    throw new LocalServerError(
      'the embedded local Kinesis (endpoint: local, --local, the demo) needs the optional package kinesalite; ' +
        'install it beside Offloader with "npm install kinesalite@3.3.3"',
      { cause: error },
    );
  }
}

export interface LocalStreamSpec {
  name: string;
  shards: number;
}

export interface LocalKinesisOptions {
  /** 0 or absent = any free port. */
  port?: number;
  /** Listen address; loopback by default so the server is never reachable from outside. */
  host?: string;
  /** LevelDB folder that keeps the data after the server stops; absent = in memory. */
  path?: string;
  /** Streams to create (existing ones in `path` are kept) and wait for until ACTIVE. */
  streams?: LocalStreamSpec[];
  /** Shards a stream may have at most across the server. */
  shardLimit?: number;
}

export interface LocalKinesis {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  host: string;
  path?: string;
  /** Region and credentials the server accepts. */
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Creates a stream (if missing) and waits until it is ACTIVE. */
  createStream(spec: LocalStreamSpec): Promise<void>;
  close(): Promise<void>;
}

/** How long the embedded server keeps an idle client connection open. */
export const LOCAL_KEEP_ALIVE_MS = 60_000;

/** Starts kinesalite in this process on 127.0.0.1 and creates the given streams. */
export async function startLocalKinesis(options: LocalKinesisOptions = {}): Promise<LocalKinesis> {
  const host = options.host ?? '127.0.0.1';
  const kinesalite = await loadKinesalite();
  if (options.path) mkdirSync(options.path, { recursive: true });
  const server: Server = kinesalite({
    path: options.path,
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: options.shardLimit ?? 200,
  });
  // Node's server closes an idle keep-alive socket after 5 s; a client that picks that socket for its next call
  // in the same instant gets "socket hang up" (seen with the event loop lagging on a busy machine). Idle sockets
  // live a minute here, and the Keep-Alive hint tells clients to drop them before that.
  server.keepAliveTimeout = LOCAL_KEEP_ALIVE_MS;
  server.headersTimeout = LOCAL_KEEP_ALIVE_MS + 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const client = createKinesisClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    bypassProxy: true,
  });
  const local: LocalKinesis = {
    endpoint,
    port,
    host,
    path: options.path,
    region: LOCAL_REGION,
    credentials: { ...LOCAL_CREDENTIALS },
    createStream: (spec) => createAndWait(client, spec),
    async close() {
      client.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
  try {
    for (const spec of options.streams ?? []) await local.createStream(spec);
  } catch (error) {
    await local.close().catch(() => undefined);
    throw error;
  }
  return local;
}

async function createAndWait(client: KinesisClient, spec: LocalStreamSpec): Promise<void> {
  try {
    await client.send(new CreateStreamCommand({ StreamName: spec.name, ShardCount: spec.shards }));
  } catch (error) {
    // Already there from an earlier run on the same path: keep its data.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let attempt = 0; attempt < 200; attempt++) {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: spec.name }));
    if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new LocalServerError(`local stream ${spec.name} did not become ACTIVE`);
}
