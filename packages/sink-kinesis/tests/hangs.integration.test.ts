import { createServer, type Server, type Socket } from 'node:net';
import type { OffloaderError, RecordOutcome } from '@offloader/core';
import { createTestSink, trendRecords } from '@offloader/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../src/local/index.js';

/** A loopback server that accepts connections and then does only what `onConnection` says (maybe nothing). */
async function startSilentServer(onConnection: (socket: Socket) => void = () => {}) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    connections: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let silent: Awaited<ReturnType<typeof startSilentServer>>;
let stalling: Awaited<ReturnType<typeof startSilentServer>>;

beforeAll(async () => {
  silent = await startSilentServer();
  // Answers the status line and headers of a JSON response, then never sends the body.
  stalling = await startSilentServer((socket) => {
    socket.once('data', () => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 500\r\n\r\n{"Fa');
    });
  });
});

afterAll(async () => {
  await silent?.close();
  await stalling?.close();
});

const codeOf = (outcome: RecordOutcome) =>
  outcome.status === 'failed' || outcome.status === 'rejected' ? (outcome.error as OffloaderError).code : undefined;

const sinkFor = (endpoint: string, overrides: object = {}) =>
  createTestSink({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    streams: { data: 'never' },
    shardRate: { enabled: false, percent: 100 },
    ...overrides,
  });

async function writeTimed(endpoint: string, overrides: object, signal = new AbortController().signal) {
  const { sink } = await sinkFor(endpoint, overrides);
  const records = trendRecords(3);
  for (const record of records) sink.prepare(record);
  const startedAt = Date.now();
  try {
    const outcomes = await sink.write(records, signal);
    return { outcomes, elapsedMs: Date.now() - startedAt };
  } finally {
    await sink.stop();
  }
}

describe('an endpoint that accepts TCP and never answers', () => {
  const bounded = {
    requestTimeoutMs: 300,
    connectTimeoutMs: 300,
    retry: { maxAttempts: 2, maxElapsedMs: 0, baseDelayMs: 5, maxDelayMs: 5 },
  };

  it('fails each call after requestTimeoutMs, so the write ends with failed records', async () => {
    const { outcomes, elapsedMs } = await writeTimed(silent.endpoint, bounded);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['failed', 'failed', 'failed']);
    expect(codeOf(outcomes[0])).toBe('SINK_RETRIES_EXHAUSTED');
    // Two attempts of 300 ms each, far from the test's 60 s.
    expect(elapsedMs).toBeLessThan(20_000);
  });

  it('also when it answers the headers and then stalls in the body (the call deadline ends it)', async () => {
    const { outcomes, elapsedMs } = await writeTimed(stalling.endpoint, bounded);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['failed', 'failed', 'failed']);
    expect(elapsedMs).toBeLessThan(20_000);
  });

  it('a stop (write signal aborted) ends the call at once even with a long request timeout; data is kept', async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 300);
    const { outcomes, elapsedMs } = await writeTimed(
      silent.endpoint,
      { requestTimeoutMs: 600_000, retry: { maxAttempts: 0, maxElapsedMs: 0, baseDelayMs: 5, maxDelayMs: 5 } },
      controller.signal,
    );
    clearTimeout(timer);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['failed', 'failed', 'failed']);
    expect(codeOf(outcomes[0])).toBe('SINK_ABORTED');
    expect(elapsedMs).toBeLessThan(20_000);
  });
});

describe('an endpoint that never completes the TLS set-up', () => {
  it('gives up after the call deadline (requestTimeoutMs + connectTimeoutMs + 1 s)', async () => {
    // A TLS client to a plain TCP server that never answers: the TLS handshake never completes.
    const endpoint = silent.endpoint.replace('http://', 'https://');
    const { outcomes, elapsedMs } = await writeTimed(endpoint, {
      requestTimeoutMs: 1_000,
      connectTimeoutMs: 300,
      retry: { maxAttempts: 2, maxElapsedMs: 0, baseDelayMs: 5, maxDelayMs: 5 },
    });
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['failed', 'failed', 'failed']);
    expect(elapsedMs).toBeLessThan(20_000);
  });
});
