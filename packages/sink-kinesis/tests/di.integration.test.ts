import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPipelineContainer, createPluginContext, resolveOptions } from '@offloader/core';
import { createTestSink, startLocalKinesis, trendRecords, writeAll } from '@offloader/testkit';
import { container as rootContainer } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { createKinesisClient, type KinesisSink, KinesisTokens, kinesisSink } from '../src/index.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../src/local/index.js';
import type { ClientFactory } from '../src/services.js';
import { StreamHealth } from '../src/streamHealth.js';

describe('the kinesis sink is built by its plugin container', () => {
  it('uses the client factory an integrator registered (KinesisTokens.ClientFactory) for every client it makes', async () => {
    const local = await startLocalKinesis({ streams: [{ name: 'factory', shards: 1 }] });
    const parent = rootContainer.createChildContainer();
    const targets: (string | undefined)[] = [];
    const factory: ClientFactory = (target) => {
      targets.push(target.endpoint);
      return createKinesisClient({ ...target, credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION });
    };
    parent.register(KinesisTokens.ClientFactory, { useValue: factory });
    const { sink } = await createTestSink({ endpoint: local.endpoint, streams: { data: 'factory' } }, { parent });
    try {
      const outcomes = await writeAll(sink, trendRecords(25));
      expect(outcomes.every((outcome) => outcome.status === 'delivered')).toBe(true);
      expect(targets).toEqual([local.endpoint]);
    } finally {
      await sink.stop();
      await local.close();
    }
  });

  it('gives each instance its own collaborators, the ones it reports from', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'offloader-di-'));
    const pipeline = createPipelineContainer({ stateDir, mode: { dryRun: true } });
    const make = async (id: string) => {
      const context = createPluginContext(pipeline, id, { baseDir: stateDir, stateDir });
      const options = resolveOptions(kinesisSink, { region: LOCAL_REGION, streams: { data: `${id}-stream` } });
      const sink = (await kinesisSink.create(options, context)) as KinesisSink;
      return { sink, container: context.container };
    };
    const first = await make('first');
    const second = await make('second');
    const health = first.container.resolve(StreamHealth);
    expect(first.container.resolve(StreamHealth)).toBe(health);
    expect(second.container.resolve(StreamHealth)).not.toBe(health);
    expect(first.container.resolve(KinesisTokens.Concurrency)).not.toBe(
      second.container.resolve(KinesisTokens.Concurrency),
    );

    health.pause('first-stream', 'stream-not-found', 'gone');
    expect(first.sink.health().map((condition) => condition.subject)).toEqual(['first-stream']);
    expect(second.sink.health()).toEqual([]);
    await first.sink.stop();
    await second.sink.stop();
  });
});
