import { PluginRegistry } from '@offloader/core';
import { createTestSink, trendRecords } from '@offloader/testkit';
import { describe, expect, it } from 'vitest';
import { regionFromEndpoint } from '../src/endpoints.js';
import { kinesisSink } from '../src/index.js';

describe('region taken from an AWS endpoint host', () => {
  it.each([
    ['kinesis.eu-west-2.amazonaws.com', 'eu-west-2'],
    ['https://kinesis.eu-west-2.amazonaws.com', 'eu-west-2'],
    ['https://kinesis.eu-west-2.amazonaws.com:443/', 'eu-west-2'],
    ['kinesis-fips.us-gov-west-1.amazonaws.com', 'us-gov-west-1'],
    ['https://vpce-0abc-1234.kinesis.eu-west-1.vpce.amazonaws.com', 'eu-west-1'],
    ['kinesis.cn-north-1.amazonaws.com.cn', 'cn-north-1'],
    ['kinesis.eu-west-2.api.aws', 'eu-west-2'],
    ['http://127.0.0.1:4567', undefined],
    ['kinesis.internal.example.com', undefined],
  ])('%s → %s', (endpoint, region) => {
    expect(regionFromEndpoint(endpoint)).toBe(region);
  });
});

const env = (vars: Record<string, string | undefined>) => {
  const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
};

const noRegion = {
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  AWS_PROFILE: 'offloader-test-no-such-profile',
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
};

describe('the original connector configuration: endpoint host, port 443, keys, no region', () => {
  it('the sink takes the region from the host', async () => {
    const restore = env(noRegion);
    try {
      const { sink } = await createTestSink({
        endpoint: 'kinesis.eu-west-2.amazonaws.com',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
        streams: { data: 's' },
      });
      expect(sink.region()).toBe('eu-west-2');
      await sink.stop();
    } finally {
      restore();
    }
  });

  it('with no region anywhere, creating the sink fails at start with a configuration error (exit 2)', async () => {
    const restore = env(noRegion);
    try {
      const failure = await createTestSink({
        endpoint: 'https://kinesis.internal.example.com',
        streams: { data: 's' },
      }).then(
        () => undefined,
        (error: { code?: string; message: string }) => error,
      );
      expect(failure?.code).toBe('PLUGIN_OPTIONS_INVALID');
      expect(failure?.message).toMatch(/region/);
    } finally {
      restore();
    }
  });
});

describe('calls that never left the process', () => {
  it('are not counted as put requests or latency, and are not retried', async () => {
    const restore = env({ ...noRegion, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
    try {
      // No credentials anywhere: the SDK fails before sending anything.
      const { sink, services } = await createTestSink({
        endpoint: 'http://127.0.0.1:9',
        region: 'eu-west-1',
        streams: { data: 's' },
        shardRate: { enabled: false, percent: 100 },
        retry: { maxAttempts: 0, maxElapsedMs: 0, baseDelayMs: 5, maxDelayMs: 5 },
      });
      const records = trendRecords(3);
      for (const record of records) sink.prepare(record);
      const outcomes = await sink.write(records, new AbortController().signal);
      await sink.stop();
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['failed', 'failed', 'failed']);
      expect(await services.metrics.total('put_requests_total')).toBe(0);
      expect(await services.metrics.total('retries_total')).toBe(0);
    } finally {
      restore();
    }
  }, 20_000);
});

describe('validate: endpoint and proxy must be usable URLs', () => {
  const registry = new PluginRegistry().register(kinesisSink);
  const problems = async (options: object) => {
    const result = registry.validateOptions(kinesisSink, options);
    if (!result.ok) return result.problems.map((p) => `${p.pointer} ${p.message}`);
    return ((await kinesisSink.checkOptions?.(result.options as never, { baseDir: '/' })) ?? []).map(
      (p) => `${p.pointer} ${p.message}`,
    );
  };
  it.each([
    [{ proxy: 'not a url' }, /\/proxy/],
    [{ proxy: 'ftp://proxy:21' }, /\/proxy/],
    [{ endpoint: 'https://' }, /\/endpoint/],
    [{ endpoint: 'kinesis eu-west-1' }, /\/endpoint/],
    [{ endpoint: 'ftp://kinesis.eu-west-1.amazonaws.com' }, /\/endpoint/],
  ])('%j is an error', async (options, pattern) => {
    expect((await problems({ streams: { data: 's' }, ...options })).join('\n')).toMatch(pattern);
  });
  it.each([
    [{ proxy: 'http://proxy.corp.local:3128' }],
    [{ proxy: '' }],
    [{ endpoint: 'kinesis.eu-west-1.amazonaws.com' }],
    [{ endpoint: 'https://vpce-0abc.kinesis.eu-west-1.vpce.amazonaws.com' }],
    [{ endpoint: 'local' }],
    [{ endpoint: 'http://127.0.0.1:4567' }],
  ])('%j is fine', async (options) => {
    expect(await problems({ streams: { data: 's' }, ...options })).toEqual([]);
  });
});

describe('routes dropped on purpose', () => {
  it('records of a dropped route without a stream of their own are filtered, not rejected; others are written', async () => {
    const { sink, services } = await createTestSink(
      { endpoint: 'local', streams: { data: 's' }, drop: ['alarm'] },
      { dryRun: true },
    );
    const records = [...trendRecords(2), ...trendRecords(2, 'alarm')];
    const outcomes = await sink.write(records, new AbortController().signal);
    await sink.stop();
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['delivered', 'delivered', 'filtered', 'filtered']);
    expect(services.events.list({ code: 'ROUTE_UNMAPPED' })).toEqual([]);
  });
});
