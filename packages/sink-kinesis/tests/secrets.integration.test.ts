import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { OffloaderError } from '@offloader/core';
import {
  createTestSink,
  type FaultProxy,
  type LocalKinesis,
  startFaultProxy,
  startLocalKinesis,
  type TestSink,
  trendRecords,
  writeAll,
} from '@offloader/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION } from '../src/local/index.js';

// Fake keys shaped like real ones, so pattern-based scrubbing is exercised as well as exact matches.
const credentials = {
  accessKeyId: 'AKIAZZFAKEKEY1234567',
  secretAccessKey: 'fAkEsEcReT/kEy+ValueThatMustNeverLeak0000',
  sessionToken: 'FakeSessionTokenValueThatMustNeverLeakEither',
};
const secrets = Object.values(credentials);

let local: LocalKinesis;
let proxy: FaultProxy;

beforeAll(async () => {
  local = await startLocalKinesis({ streams: [{ name: 'secret', shards: 1 }] });
  proxy = await startFaultProxy({ target: local.endpoint });
});

afterAll(async () => {
  await proxy?.close();
  await local?.close();
});

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every text the sink produced: log lines, events, metrics, outcome errors, state files. */
async function everythingProduced(test: TestSink, errors: unknown[]): Promise<string[]> {
  const texts = [
    ...test.logLines,
    JSON.stringify(test.services.events.list()),
    JSON.stringify(await test.services.metrics.snapshot()),
    await test.services.metrics.registry.metrics(),
  ];
  for (const error of errors) {
    const e = error as OffloaderError;
    texts.push(e.message, e.describe?.() ?? '', String(e.stack), JSON.stringify(e), String(e.cause ?? ''));
  }
  for (const file of filesUnder(test.stateDir)) texts.push(readFileSync(file, 'latin1'));
  return texts;
}

describe('secrets', () => {
  it('appear in no log line, event, metric, error or state file — in success and credential rejection', async () => {
    const test = await createTestSink({
      endpoint: proxy.endpoint,
      region: LOCAL_REGION,
      credentials,
      streams: { data: 'secret' },
      retry: { maxAttempts: 3, maxElapsedMs: 0, baseDelayMs: 1, maxDelayMs: 5 },
      pauseOnErrorMs: 100,
    });
    const errors: unknown[] = [];
    const ok = await writeAll(test.sink, trendRecords(50));
    expect(ok.every((o) => o.status === 'delivered')).toBe(true);

    proxy.set({ rejectCredentials: true });
    const rejected = await writeAll(test.sink, trendRecords(5));
    proxy.set({ rejectCredentials: false });
    for (const outcome of rejected) {
      expect(outcome.status).toBe('failed');
      if (outcome.status === 'failed') {
        expect((outcome.error as OffloaderError).code).toBe('SINK_CREDENTIALS');
        errors.push(outcome.error);
      }
    }
    expect(proxy.counters.credentialRejections).toBeGreaterThan(0);
    const [event] = test.services.events.list({ code: 'CREDENTIALS_REJECTED' });
    // The server echoed the signed Authorization header; the event keeps the reason but not the key.
    expect(event.message).toMatch(/UnrecognizedClientException/);
    expect(event.message).toMatch(/Authorization=\[redacted\]/);

    // An unreachable endpoint: network errors pass through the same scrubbing.
    await proxy.setOutage(true);
    const down = await writeAll(test.sink, trendRecords(5));
    await proxy.setOutage(false);
    for (const outcome of down) if (outcome.status === 'failed') errors.push(outcome.error);
    expect(errors.length).toBeGreaterThan(5);
    await test.sink.stop();

    const produced = await everythingProduced(test, errors);
    expect(produced.join('\n').length).toBeGreaterThan(1000);
    for (const text of produced) {
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/AKIA[A-Z0-9]{16}/);
    }
  });
});
