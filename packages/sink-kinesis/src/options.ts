import type { FromSchema } from '@offloader/core';
import { KinesisLimits, MIB } from './limits.js';

export const DEFAULT_PARTITION_KEY = '{DMAID}/{EID}/{PID}';

export const DEFAULT_RETRY = {
  maxAttempts: 0,
  maxElapsedMs: 300_000,
  baseDelayMs: 100,
  maxDelayMs: 10_000,
};

export const DEFAULT_LOCAL = { host: '127.0.0.1', port: 0, shards: 2, inMemory: false };

/** JSON Schema (draft-07) of the options; description, default and examples on every field. */
export const kinesisSinkOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    region: {
      type: 'string',
      description:
        'AWS region. When absent: taken from an AWS endpoint host (kinesis[-fips].<region>.amazonaws.com[.cn], VPC ' +
        'endpoints), else AWS_REGION / the shared profile; `us-east-1` for `endpoint: local`. No region at all is a ' +
        'configuration error at start (exit 2).',
      examples: ['eu-west-1'],
    },
    endpoint: {
      type: 'string',
      description:
        'Kinesis endpoint: a full URL, a host name (HTTPS on `port`), or `local` to start an embedded ' +
        'Kinesis-API server (kinesalite) on 127.0.0.1. When absent the regional AWS endpoint is used.',
      examples: ['local', 'kinesis.eu-west-1.amazonaws.com', 'https://vpce-0abc.kinesis.eu-west-1.vpce.amazonaws.com'],
    },
    port: {
      type: 'integer',
      minimum: 1,
      maximum: 65535,
      default: 443,
      description: 'Port used when `endpoint` is a bare host name.',
      examples: [443],
    },
    streams: {
      type: 'object',
      additionalProperties: { type: 'string', minLength: 1 },
      default: {},
      description: 'Route key → stream name or ARN. Routes: data, dataavg, alarm, custom, ...',
      examples: [{ data: 'dm-trend', dataavg: 'dm-trend-avg', alarm: 'dm-alarms' }],
    },
    drop: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      uniqueItems: true,
      default: [],
      description:
        'Routes whose records are discarded on purpose (counted as filtered, never sent), e.g. kinds a source reads ' +
        'but no stream wants. `validate` requires every route a source can produce to be in `streams`, in `drop`, ' +
        'or covered by `defaultStream` (checked when the pipeline has no transformers). A record that names its own ' +
        'stream is sent there whatever its route.',
      examples: [['dataavg', 'alarm']],
    },
    defaultStream: {
      type: 'string',
      minLength: 1,
      description: 'Stream for routes missing from `streams`. Without it such records are rejected (ROUTE_UNMAPPED).',
      examples: ['dm-misc'],
    },
    credentials: {
      type: 'object',
      additionalProperties: false,
      required: ['accessKeyId', 'secretAccessKey'],
      description:
        'Static credentials, normally `${ENV}` references. When absent the AWS default provider chain is used ' +
        '(environment, shared profile, SSO, web identity, container and instance roles).',
      examples: [{ accessKeyId: '${AWS_ACCESS_KEY_ID}', secretAccessKey: '${AWS_SECRET_ACCESS_KEY}' }],
      properties: {
        accessKeyId: {
          type: 'string',
          minLength: 1,
          description: 'Access key id.',
          examples: ['${AWS_ACCESS_KEY_ID}'],
        },
        secretAccessKey: {
          type: 'string',
          minLength: 1,
          description: 'Secret access key.',
          examples: ['${AWS_SECRET_ACCESS_KEY}'],
        },
        sessionToken: {
          type: 'string',
          description: 'Session token of temporary credentials.',
          examples: ['${AWS_SESSION_TOKEN}'],
        },
      },
    },
    proxy: {
      type: 'string',
      description:
        'HTTP(S) proxy URL (`validate` checks it is one). When absent HTTPS_PROXY / HTTP_PROXY / NO_PROXY are honoured.',
      examples: ['http://proxy.corp.local:3128'],
    },
    bypassProxy: {
      type: 'boolean',
      default: false,
      description: 'Connect directly, ignoring `proxy` and the proxy environment variables.',
      examples: [true],
    },
    partitionKey: {
      type: 'string',
      minLength: 1,
      default: DEFAULT_PARTITION_KEY,
      description:
        'Partition key: a template over record fields (`{FIELD}` or `{a.b}`), or `random`. A record that ' +
        'already carries partitionKey/explicitHashKey keeps it. When none of the template fields exists in a ' +
        'record, a random key is used.',
      examples: [DEFAULT_PARTITION_KEY, 'random', '{DMAID}'],
    },
    shardRate: {
      type: 'object',
      additionalProperties: false,
      default: {},
      examples: [{ enabled: true, percent: 50 }],
      description:
        "Pace writes per shard (shard found from the partition key's MD5 over the stream's hash ranges, read with ListShards) so full shards are not hammered: fewer throttles and retries. Needs kinesis:ListShards; without it writes are not paced.",
      properties: {
        enabled: { type: 'boolean', default: true, description: 'Pace per shard.', examples: [false] },
        percent: {
          type: 'integer',
          minimum: 10,
          maximum: 1000,
          default: 100,
          description:
            'Share of the per-shard quota (1,000 records/s, 1 MiB/s) this producer aims at; lower it when several producers write to one stream.',
          examples: [50],
        },
      },
    },
    maxInFlight: {
      type: 'integer',
      minimum: 1,
      maximum: 256,
      default: 4,
      description: 'Most PutRecords calls in flight; lowered while throttled (AIMD), raised back on success.',
      examples: [4],
    },
    maxBatchRecords: {
      type: 'integer',
      minimum: 1,
      maximum: 10_000,
      default: KinesisLimits.maxRecordsPerRequest,
      description: 'Records per write. At most 500 without aggregation; with `aggregation: kpl` user records.',
      examples: [500],
    },
    maxBatchBytes: {
      type: 'integer',
      minimum: 1,
      maximum: KinesisLimits.ceilingMaxRequestBytes,
      default: KinesisLimits.defaultMaxRequestBytes,
      description: 'Bytes (data + partition keys) per write; capped at maxRequestBytes.',
      examples: [5 * MIB],
    },
    lingerMs: {
      type: 'integer',
      minimum: 0,
      default: 200,
      description: 'How long a partial batch waits for more records.',
      examples: [200],
    },
    maxRecordBytes: {
      type: 'integer',
      minimum: 1,
      maximum: KinesisLimits.ceilingMaxRecordBytes,
      default: KinesisLimits.defaultMaxRecordBytes,
      description: 'Largest record (data + partition key). 1 MiB until the stream is raised with UpdateMaxRecordSize.',
      examples: [MIB],
    },
    maxRequestBytes: {
      type: 'integer',
      minimum: 1,
      maximum: KinesisLimits.ceilingMaxRequestBytes,
      default: KinesisLimits.defaultMaxRequestBytes,
      description: 'Largest PutRecords request (sum of data + partition keys). Up to 10 MiB where supported.',
      examples: [5 * MIB],
    },
    retry: {
      type: 'object',
      additionalProperties: false,
      default: DEFAULT_RETRY,
      description: 'Retries of failed records (only those) with exponential backoff and full jitter.',
      examples: [DEFAULT_RETRY],
      properties: {
        maxAttempts: {
          type: 'integer',
          minimum: 0,
          default: DEFAULT_RETRY.maxAttempts,
          description: 'Attempts per record before it is reported failed (kept by the source); 0 = no limit.',
          examples: [0, 20],
        },
        maxElapsedMs: {
          type: 'integer',
          minimum: 0,
          default: DEFAULT_RETRY.maxElapsedMs,
          description: 'Time one write may keep retrying before the rest is reported failed; 0 = no limit.',
          examples: [300_000],
        },
        baseDelayMs: {
          type: 'integer',
          minimum: 1,
          default: DEFAULT_RETRY.baseDelayMs,
          description: 'First backoff ceiling; doubles per attempt.',
          examples: [100],
        },
        maxDelayMs: {
          type: 'integer',
          minimum: 1,
          default: DEFAULT_RETRY.maxDelayMs,
          description: 'Largest backoff ceiling.',
          examples: [10_000],
        },
      },
    },
    pauseOnErrorMs: {
      type: 'integer',
      minimum: 0,
      default: 60_000,
      description:
        'After a non-retryable error (missing stream, rejected credentials) writes to that stream fail fast this long.',
      examples: [60_000],
    },
    requestTimeoutMs: {
      type: 'integer',
      minimum: 1,
      default: 30_000,
      description:
        'Timeout of one PutRecords call; a call over it fails and is retried. Every call is also aborted ' +
        'after requestTimeoutMs + connectTimeoutMs + 1 s whatever the endpoint does, and at once on a stop ' +
        '(unacknowledged records stay for the next start).',
      examples: [30_000],
    },
    connectTimeoutMs: {
      type: 'integer',
      minimum: 1,
      default: 5_000,
      description: 'TCP connect timeout (a TLS handshake that stalls is ended by the call deadline above).',
      examples: [5_000],
    },
    aggregation: {
      type: 'string',
      enum: ['none', 'kpl'],
      default: 'none',
      description: '`kpl` packs many small records into one Kinesis record (KPL aggregated format; KCL de-aggregates).',
      examples: ['kpl'],
    },
    compression: {
      type: 'string',
      enum: ['none', 'gzip'],
      default: 'none',
      description: "`gzip` compresses each record's data; consumers must gunzip.",
      examples: ['gzip'],
    },
    local: {
      type: 'object',
      additionalProperties: false,
      default: DEFAULT_LOCAL,
      description: 'Embedded server used with `endpoint: local`.',
      examples: [{ shards: 2 }],
      properties: {
        host: { type: 'string', default: DEFAULT_LOCAL.host, description: 'Listen address.', examples: ['127.0.0.1'] },
        port: {
          type: 'integer',
          minimum: 0,
          maximum: 65535,
          default: DEFAULT_LOCAL.port,
          description: 'Listen port; 0 = any free port.',
          examples: [4567],
        },
        shards: {
          type: 'integer',
          minimum: 1,
          maximum: 50,
          default: DEFAULT_LOCAL.shards,
          description: 'Shards of each stream it creates.',
          examples: [2],
        },
        inMemory: {
          type: 'boolean',
          default: DEFAULT_LOCAL.inMemory,
          description: 'Keep data in memory; otherwise it persists in <stateDir>/kinesis-local for `offloader tail`.',
          examples: [false],
        },
      },
    },
  },
} as const;

/** Options of the `kinesis` sink as `create()` receives them: validated, every default filled (by the registry). */
export type KinesisSinkOptions = FromSchema<typeof kinesisSinkOptionsSchema>;

/** Static credentials from the pipeline file (usually `${ENV}` references). */
export type StaticCredentials = NonNullable<KinesisSinkOptions['credentials']>;

/** Attempts and backoff of the records a PutRecords call failed. */
export type RetryOptions = KinesisSinkOptions['retry'];

/** The embedded Kinesis-API server of `endpoint: local`. */
export type LocalServerOptions = KinesisSinkOptions['local'];

/** Per-shard pacing: send no faster than a shard accepts, instead of learning it from throttling. */
export type ShardRateOptions = KinesisSinkOptions['shardRate'];
