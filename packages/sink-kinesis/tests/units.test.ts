import type { PutRecordsInput, PutRecordsOutput } from '@aws-sdk/client-kinesis';
import { type DeliveryError, Metric, PluginRegistry } from '@offloader/core';
import { describe, expect, it } from 'vitest';
import { AimdConcurrency } from '../src/aimd.js';
import { endpointUrl, resolveProxy } from '../src/endpoints.js';
import { classifyCallError, classifyRecordError, SecretRedactor } from '../src/errors.js';
import { KinesisLimits, kinesisSink } from '../src/index.js';
import { DEFAULT_LOCAL, DEFAULT_PARTITION_KEY, DEFAULT_RETRY } from '../src/options.js';
import type { PutEntry } from '../src/PutRecordsWriter.js';
import { compilePartitionKey } from '../src/partitionKeys.js';
import { fullJitterDelay, retryAllowed } from '../src/retry.js';
import { testWriter } from './writerHarness.js';

describe('error classification', () => {
  describe.each([
    ['ProvisionedThroughputExceededException', 'throttled'],
    ['KMSThrottlingException', 'throttled'],
    ['InternalFailure', 'retryable'],
    ['ResourceNotFoundException', 'stream-not-found'],
    ['AccessDeniedException', 'credentials'],
    ['KMSAccessDeniedException', 'non-retryable'],
    ['KMSDisabledException', 'non-retryable'],
  ])('per-record ErrorCode %s', (code, kind) => {
    it(`is ${kind}`, () => expect(classifyRecordError(code).kind).toBe(kind));
  });

  const sdkError = (name: string, status?: number, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error('x'), { name, $metadata: { httpStatusCode: status }, ...extra });
  describe.each([
    ['ThrottlingException 400', sdkError('ThrottlingException', 400), 'throttled', 'ThrottlingException'],
    ['LimitExceededException', sdkError('LimitExceededException', 400), 'throttled', 'LimitExceededException'],
    ['SlowDown 503', sdkError('SlowDown', 503), 'throttled', 'SlowDown'],
    ['unknown 500', sdkError('Error', 500), 'retryable', 'HTTP_500'],
    ['InternalFailure 500', sdkError('InternalFailure', 500), 'retryable', 'InternalFailure'],
    [
      'ECONNREFUSED',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      'retryable',
      'ECONNREFUSED',
    ],
    [
      'nested ECONNRESET',
      new Error('wrapped', { cause: Object.assign(new Error('r'), { code: 'ECONNRESET' }) }),
      'retryable',
      'ECONNRESET',
    ],
    ['socket hang up', new Error('socket hang up'), 'retryable', 'ECONNRESET'],
    ['TimeoutError', sdkError('TimeoutError'), 'retryable', 'TimeoutError'],
    [
      'ResourceNotFoundException',
      sdkError('ResourceNotFoundException', 400),
      'stream-not-found',
      'ResourceNotFoundException',
    ],
    [
      'UnrecognizedClientException',
      sdkError('UnrecognizedClientException', 400),
      'credentials',
      'UnrecognizedClientException',
    ],
    ['ExpiredTokenException', sdkError('ExpiredTokenException', 400), 'credentials', 'ExpiredTokenException'],
    ['CredentialsProviderError', sdkError('CredentialsProviderError'), 'credentials', 'CredentialsProviderError'],
    ['403 without name', sdkError('Error', 403), 'credentials', 'HTTP_403'],
    [
      'KMSInvalidStateException',
      sdkError('KMSInvalidStateException', 400),
      'non-retryable',
      'KMSInvalidStateException',
    ],
    ['413 body too large', sdkError('UnknownError', 413), 'non-retryable', 'UnknownError'],
  ])('call error %s', (_name, error, kind, awsCode) => {
    it(`is ${kind} (${awsCode})`, () => expect(classifyCallError(error)).toEqual({ kind, awsCode }));
  });
});

describe('SecretRedactor', () => {
  const redactor = new SecretRedactor(['mySecretValue123', 'tok']);
  describe.each([
    ['configured secret', 'bad key mySecretValue123 here', 'bad key [redacted] here'],
    ['too-short values are not used (would mangle text)', 'tok is fine', 'tok is fine'],
    ['access key id shape', 'key AKIAABCDEFGHIJKLMNOP rejected', 'key [redacted] rejected'],
    [
      'SigV4 credential scope',
      'Credential=AKIDEXAMPLE/20240101/us-east-1/kinesis/aws4_request, x',
      'Credential=[redacted], x',
    ],
    ['signature', 'Signature=0123abcdef', 'Signature=[redacted]'],
    ['security token header', 'X-Amz-Security-Token: abc/def==', 'X-Amz-Security-Token: [redacted]'],
  ])('%s', (_name, input, expected) => {
    it('is scrubbed', () => expect(redactor.redact(input)).toBe(expected));
  });
});

describe('partition keys', () => {
  const record = (value: unknown) => ({ route: 'data', value, origin: { sourceId: 's' } });
  describe.each([
    ['{DMAID}/{EID}/{PID}', { DMAID: 12, EID: 3, PID: 1000 }, '12/3/1000'],
    ['{DMAID}/{EID}/{PID}', { DMAID: 12 }, '12//'],
    ['{a.b}-{c}', { a: { b: 'x' }, c: true }, 'x-true'],
    ['fixed', {}, 'fixed'],
  ])('template %s over %o', (template, value, expected) => {
    it(`gives ${expected}`, () => expect(compilePartitionKey(template)(record(value))).toBe(expected));
  });

  it.each([['random'], ['{DMAID}/{EID}']])('%s gives distinct keys when no field resolves', (template) => {
    const keyOf = compilePartitionKey(template);
    const keys = new Set(Array.from({ length: 50 }, () => keyOf(record({ other: 1 }))));
    expect(keys.size).toBe(50);
  });
});

describe('AIMD concurrency and backoff', () => {
  it('halves once per generation on throttling and climbs back by about one per round', () => {
    const seen: number[] = [];
    const aimd = new AimdConcurrency(8, (limit) => seen.push(limit));
    aimd.onThrottled(0, 10);
    aimd.onThrottled(5, 11); // sent before the decrease: same episode
    expect(aimd.current()).toBe(4);
    aimd.onThrottled(12, 20);
    aimd.onThrottled(21, 30);
    aimd.onThrottled(31, 40);
    expect(aimd.current()).toBe(1);
    let answers = 0;
    while (aimd.current() < 8) {
      aimd.onSuccess();
      answers += 1;
    }
    expect(answers).toBeLessThan(40);
    expect(seen).toEqual([8, 4, 2, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it.each([
    [1, 100],
    [2, 200],
    [5, 1600],
    [20, 10_000],
  ])('full jitter for attempt %i stays within [0, %i]', (attempt, ceiling) => {
    for (let i = 0; i < 200; i++) {
      const delay = fullJitterDelay(attempt, { baseDelayMs: 100, maxDelayMs: 10_000 });
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });

  it.each([
    [{ maxAttempts: 0, maxElapsedMs: 0 }, 1_000, 10_000_000, true],
    [{ maxAttempts: 3, maxElapsedMs: 0 }, 3, 0, false],
    [{ maxAttempts: 3, maxElapsedMs: 0 }, 2, 0, true],
    [{ maxAttempts: 0, maxElapsedMs: 1000 }, 50, 1000, false],
  ])('retry budget %o after %i attempts / %i ms → %s', (options, attempts, elapsed, allowed) => {
    expect(retryAllowed(options, attempts, elapsed)).toBe(allowed);
  });
});

describe('client settings', () => {
  it.each([
    ['kinesis.eu-west-1.amazonaws.com', 443, 'https://kinesis.eu-west-1.amazonaws.com'],
    ['kinesis.eu-west-1.amazonaws.com', 8443, 'https://kinesis.eu-west-1.amazonaws.com:8443'],
    ['http://127.0.0.1:4567', 443, 'http://127.0.0.1:4567'],
  ])('endpoint %s port %i → %s', (endpoint, port, url) => expect(endpointUrl(endpoint, port)).toBe(url));

  it('honours HTTPS_PROXY and NO_PROXY unless bypassed', () => {
    const saved = { ...process.env };
    try {
      process.env.HTTPS_PROXY = 'http://proxy.corp:3128';
      process.env.NO_PROXY = 'localhost,127.0.0.1';
      expect(resolveProxy('https://kinesis.eu-west-1.amazonaws.com', {})).toBe('http://proxy.corp:3128');
      expect(resolveProxy('http://127.0.0.1:4567', {})).toBeUndefined();
      expect(resolveProxy('https://kinesis.eu-west-1.amazonaws.com', { bypassProxy: true })).toBeUndefined();
      expect(resolveProxy('https://x', { proxy: 'http://explicit:1' })).toBe('http://explicit:1');
    } finally {
      process.env = saved;
    }
  });
});

describe('options schema', () => {
  it('documents every field, and the registry fills every default (the only place defaults come from)', () => {
    const registry = new PluginRegistry().register(kinesisSink);
    const result = registry.validateOptions<Record<string, unknown>>(kinesisSink, { streams: { data: 'x' } });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.options).toEqual({
        port: 443,
        streams: { data: 'x' },
        drop: [],
        bypassProxy: false,
        partitionKey: DEFAULT_PARTITION_KEY,
        maxInFlight: 4,
        maxBatchRecords: KinesisLimits.maxRecordsPerRequest,
        maxBatchBytes: KinesisLimits.defaultMaxRequestBytes,
        lingerMs: 200,
        maxRecordBytes: KinesisLimits.defaultMaxRecordBytes,
        maxRequestBytes: KinesisLimits.defaultMaxRequestBytes,
        pauseOnErrorMs: 60_000,
        requestTimeoutMs: 30_000,
        connectTimeoutMs: 5_000,
        aggregation: 'none',
        compression: 'none',
        retry: DEFAULT_RETRY,
        local: DEFAULT_LOCAL,
        shardRate: { enabled: true, percent: 100 },
      });
    }
    const walk = (properties: Record<string, Record<string, unknown>>, path: string) => {
      for (const [name, field] of Object.entries(properties)) {
        expect(field.description, `${path}${name}`).toBeTruthy();
        expect(field.examples, `${path}${name}`).toBeDefined();
        if (field.properties) walk(field.properties as Record<string, Record<string, unknown>>, `${path}${name}.`);
      }
    };
    walk(kinesisSink.optionsSchema.properties as Record<string, Record<string, unknown>>, '');
  });

  it.each([
    [{ maxRecordBytes: 11 * 1024 * 1024 }],
    [{ aggregation: 'zstd' }],
    [{ credentials: { accessKeyId: 'a' } }],
    [{ unknownOption: 1 }],
  ])('rejects %o', (options) => {
    expect(new PluginRegistry().register(kinesisSink).validateOptions(kinesisSink, options).ok).toBe(false);
  });
});

describe('PutRecordsWriter (stubbed API)', () => {
  function harness(answer: (input: PutRecordsInput, call: number) => PutRecordsOutput | Promise<PutRecordsOutput>) {
    const calls: PutRecordsInput[] = [];
    const api = {
      putRecords: async (input: PutRecordsInput) => {
        calls.push(input);
        return answer(input, calls.length);
      },
    };
    const retry = { maxAttempts: 5, maxElapsedMs: 0, baseDelayMs: 1, maxDelayMs: 2 };
    const { writer, services } = testWriter(api, { retry, callDeadlineMs: 60_000 });
    return { writer, calls, services };
  }
  const entries = (n: number): PutEntry[] =>
    Array.from({ length: n }, (_, i) => ({ data: Buffer.from(`r${i}`), partitionKey: `k${i}`, bytes: 4, attempts: 0 }));
  const ok = (shard = 'shardId-000000000000') => ({ ShardId: shard, SequenceNumber: '1' });

  it('maps results by position and resends only the failed entries, in order', async () => {
    const { writer, calls } = harness((input, call) => ({
      FailedRecordCount: call === 1 ? 2 : 0,
      Records: (input.Records ?? []).map((_, i) =>
        call === 1 && (i === 1 || i === 3) ? { ErrorCode: 'ProvisionedThroughputExceededException' } : ok(),
      ),
    }));
    const results = await writer.deliver('s', entries(5), new AbortController().signal);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(calls.map((c) => c.Records?.map((r) => r.PartitionKey))).toEqual([
      ['k0', 'k1', 'k2', 'k3', 'k4'],
      ['k1', 'k3'],
    ]);
  });

  it('treats a result count mismatch as retryable, never as success', async () => {
    const { writer, calls } = harness((input, call) =>
      call === 1
        ? { FailedRecordCount: 0, Records: [ok()] }
        : { FailedRecordCount: 0, Records: (input.Records ?? []).map(() => ok()) },
    );
    const results = await writer.deliver('s', entries(3), new AbortController().signal);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(calls).toHaveLength(2);
    expect(calls[1].Records).toHaveLength(3);
  });

  it('a per-record KMS error fails that record, pauses the stream and fails the rest fast', async () => {
    const { writer, services } = harness((input) => ({
      FailedRecordCount: 2,
      Records: (input.Records ?? []).map((_, i) =>
        i === 0
          ? { ErrorCode: 'KMSAccessDeniedException', ErrorMessage: 'denied' }
          : i === 1
            ? { ErrorCode: 'InternalFailure' }
            : ok(),
      ),
    }));
    const results = await writer.deliver('s', entries(3), new AbortController().signal);
    expect(results.map((r) => r.ok)).toEqual([false, false, true]);
    expect(results.filter((r) => !r.ok).map((r) => ((r as { error: Error }).error as DeliveryError).code)).toEqual([
      'SINK_NON_RETRYABLE',
      'SINK_NON_RETRYABLE',
    ]);
    expect(services.events.list({ code: 'SINK_NON_RETRYABLE' })).toHaveLength(1);
    expect(await services.metrics.total(Metric.recordErrors, { stream: 's', code: 'KMSAccessDeniedException' })).toBe(
      1,
    );
  });

  it('stops retrying when the signal aborts and reports SINK_ABORTED', async () => {
    const controller = new AbortController();
    const { writer } = harness((input) => {
      controller.abort();
      return { FailedRecordCount: 1, Records: (input.Records ?? []).map(() => ({ ErrorCode: 'InternalFailure' })) };
    });
    const results = await writer.deliver('s', entries(1), controller.signal);
    expect(results[0].ok).toBe(false);
    expect(((results[0] as { error: Error }).error as DeliveryError).code).toBe('SINK_ABORTED');
  });
});
