import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import type { StaticCredentials } from './options.js';

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

/** `endpoint` as a URL: a bare host becomes `https://host:port`. */
export function endpointUrl(endpoint: string, port = 443): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)) return endpoint;
  return port === 443 ? `https://${endpoint}` : `https://${endpoint}:${port}`;
}

/** Proxy URL to use for `target`, or undefined for a direct connection. */
export function resolveProxy(target: string, options: Pick<KinesisClientOptions, 'proxy' | 'bypassProxy'>) {
  if (options.bypassProxy) return undefined;
  if (options.proxy) return options.proxy;
  return getProxyForUrl(target) || undefined;
}

/**
 * A Kinesis client on HTTP/1.1 (the SDK's HTTP/2 default fails against kinesalite and most proxies) with
 * keep-alive agents sized to `maxSockets`, the proxy settings applied, and SDK retries off: the sink retries
 * only the failed records itself, and an SDK retry would resend the whole request.
 */
export function createKinesisClient(options: KinesisClientOptions): KinesisClient {
  const region = options.region;
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
      : undefined,
    maxAttempts: 1,
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
