import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
  KinesisClient,
  type KinesisClientConfig,
  PutRecordsCommand,
  type PutRecordsInput,
  type PutRecordsOutput,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { endpointUrl, regionFromEndpoint, resolveProxy } from './endpoints.js';
import { CallNotSentError } from './errors.js';
import type { StaticCredentials } from './options.js';
import { PutRecordsProtocol } from './putRecordsProtocol.js';

/** Connection settings shared by the sink, `tailStream` and the CLI. */
export interface KinesisClientOptions {
  /** AWS region; when absent the SDK resolves it (AWS_REGION, profile). */
  region?: string;
  /** Full URL, or a bare host name (HTTPS on `port`). Absent: the regional AWS endpoint. */
  endpoint?: string;
  /** Port for a bare host name; default 443. */
  port?: number;
  /** Static credentials; absent: the AWS default provider chain. */
  credentials?: StaticCredentials;
  /** Credentials provider used when `credentials` is absent (an integrator's); absent too: the default chain. */
  credentialsProvider?: KinesisClientConfig['credentials'];
  /** Proxy URL; absent: HTTPS_PROXY / HTTP_PROXY / NO_PROXY. */
  proxy?: string;
  /** Connect directly whatever `proxy` and the environment say. */
  bypassProxy?: boolean;
  /** Keep-alive sockets per host; size it to the writes in flight. */
  maxSockets?: number;
  /** Bound of one call from request to full answer; a call over it fails (and is retried). */
  requestTimeoutMs?: number;
  /** Bound of setting up the connection (TCP connect). */
  connectTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/**
 * Hard bound of one call, whatever the HTTP handler does: request + connect timeouts and a second of slack.
 * The handler's own timeouts should fire first; this one also covers stalls they do not see (a TLS handshake
 * that never ends, a body that stops half way).
 */
export function callDeadlineMs(options: Pick<KinesisClientOptions, 'requestTimeoutMs' | 'connectTimeoutMs'>): number {
  return (
    (options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) +
    (options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS) +
    1_000
  );
}

/**
 * The SDK's logger middleware builds a redacted copy of every request and response (every record's data
 * included) to hand to `logger.info`, even when its default logger throws it away: that was 4 % of the CPU of
 * a busy sink. Without `info` the copy is never made. Its warnings went nowhere before and still do; the sink
 * reports what fails itself.
 */
const QUIET_SDK_LOGGER = { debug() {}, warn() {}, error() {} } as unknown as NonNullable<KinesisClientConfig['logger']>;

/**
 * A Kinesis client on HTTP/1.1 (the SDK's HTTP/2 default fails against kinesalite and most proxies) with
 * keep-alive agents sized to `maxSockets`, the proxy settings applied, and SDK retries off: the sink retries
 * only the failed records itself, and an SDK retry would resend the whole request.
 */
export function createKinesisClient(options: KinesisClientOptions): KinesisClient {
  const region = options.region ?? (options.endpoint ? regionFromEndpoint(options.endpoint) : undefined);
  const url = options.endpoint
    ? endpointUrl(options.endpoint, options.port)
    : `https://kinesis.${region ?? process.env.AWS_REGION ?? 'us-east-1'}.amazonaws.com`;
  const maxSockets = Math.max(1, options.maxSockets ?? 16);
  const proxy = resolveProxy(url, options);
  const agentOptions = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets };
  const httpAgent = proxy ? new HttpsProxyAgent(proxy, agentOptions) : new HttpAgent(agentOptions);
  const httpsAgent = proxy ? new HttpsProxyAgent(proxy, agentOptions) : new HttpsAgent(agentOptions);
  return new KinesisClient({
    region,
    endpoint: options.endpoint ? url : undefined,
    credentials: options.credentials
      ? {
          accessKeyId: options.credentials.accessKeyId,
          secretAccessKey: options.credentials.secretAccessKey,
          sessionToken: options.credentials.sessionToken,
        }
      : options.credentialsProvider,
    maxAttempts: 1,
    logger: QUIET_SDK_LOGGER,
    protocol: PutRecordsProtocol,
    requestHandler: new NodeHttpHandler({
      httpAgent,
      httpsAgent,
      requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      // Without it the handler only logs a warning when requestTimeout passes, and a silent server hangs the call.
      throwOnRequestTimeout: true,
      connectionTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    }),
  });
}

/**
 * One PutRecords call. A marker just in front of the HTTP handler tells whether the request left the process:
 * an error before it (credentials, region, signing) is thrown as {@link CallNotSentError}.
 */
export async function sendPutRecords(
  client: KinesisClient,
  input: PutRecordsInput,
  signal: AbortSignal,
): Promise<PutRecordsOutput> {
  const command = new PutRecordsCommand(input);
  let sent = false;
  command.middlewareStack.add(
    (next) => (args) => {
      sent = true;
      return next(args);
    },
    { step: 'deserialize', priority: 'low', name: 'offloaderSentMarker' },
  );
  try {
    return await client.send(command, { abortSignal: signal });
  } catch (error) {
    if (!sent && !signal.aborted) throw new CallNotSentError(error);
    throw error;
  }
}
