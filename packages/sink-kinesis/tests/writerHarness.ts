import { coreServices, createPipelineContainer, systemClock } from '@offloader/core';
import { memoryLogger } from '@offloader/testkit';
import { AimdConcurrency } from '../src/aimd.js';
import { SecretRedactor } from '../src/errors.js';
import { effectiveLimits } from '../src/limits.js';
import type { RetryOptions } from '../src/options.js';
import { type PutRecordsApi, PutRecordsWriter } from '../src/PutRecordsWriter.js';
import { StreamHealth } from '../src/streamHealth.js';

/** A PutRecordsWriter on `api` with the default limits and fresh services, as the writer tests need it. */
export function testWriter(api: PutRecordsApi, settings: { retry: RetryOptions; callDeadlineMs: number }) {
  const services = coreServices(createPipelineContainer({ stateDir: '/nonexistent', mode: { dryRun: true } }));
  const writer = new PutRecordsWriter({
    api,
    sinkId: 'sink',
    limits: effectiveLimits(),
    retry: settings.retry,
    clock: systemClock,
    metrics: services.metrics,
    events: services.events,
    logger: memoryLogger(),
    health: new StreamHealth('sink', services.events, memoryLogger(), systemClock, 60_000),
    concurrency: new AimdConcurrency(4),
    redactor: new SecretRedactor(),
    callDeadlineMs: settings.callDeadlineMs,
  });
  return { writer, services };
}
