import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, isIP } from 'node:net';
import {
  type EventLog,
  type HealthReport,
  type Logger,
  type Metrics,
  SEVERITY_RANK,
  type Severity,
} from '@offloader/core';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { DASHBOARD_SCRIPT, DASHBOARD_STYLE, dashboardHtml } from './dashboard-page.js';
import { healthHttpStatus, normaliseHealth } from './health.js';
import { StatsHistory } from './history.js';

export interface StatusServerOptions {
  /** Interface to bind; default `127.0.0.1` (the page and metrics carry no secrets, but stay local by default). */
  host?: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  metrics: Metrics;
  events: EventLog;
  health: () => HealthReport | Promise<HealthReport>;
  logger: Logger;
  /** Shown in the page title, e.g. the pipeline name. */
  title?: string;
  /** How often the dashboard history takes a sample. Default 1000 ms. */
  sampleIntervalMs?: number;
  /** How far back the dashboard history reaches. Default 900 s (15 minutes). */
  historySeconds?: number;
  /** Add Node.js process metrics (CPU, memory, event loop) from prom-client to `/metrics`. Default true. */
  processMetrics?: boolean;
  /**
   * Host names (besides loopback names and IP literals) a request's `Host` header may carry. Any other name is
   * refused (403), so a page on a DNS-rebinding domain cannot read the events or metrics.
   */
  allowedHosts?: string[];
}

export interface StatusServer {
  /** Base URL, e.g. `http://127.0.0.1:9464`. */
  url: string;
  history: StatsHistory;
  close(): Promise<void>;
}

/** Rows `/events` returns when no `limit` is given, and at most. */
const DEFAULT_EVENT_LIMIT = 200;
const MAX_EVENT_LIMIT = 10_000;

class BadRequest extends Error {}

/**
 * Starts the status server: `/metrics` (Prometheus text), `/health` (+ `/health/live`, `/health/ready`),
 * `/events` (JSON rows, newest first; `limit`, `severity`, `minSeverity`, `code`), `/api/stats` (snapshot and
 * rate history; `since` returns only newer samples) and `/`, a self-contained dashboard page.
 */
export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const { metrics, events, logger } = options;
  const host = options.host ?? '127.0.0.1';
  const intervalMs = Math.max(100, options.sampleIntervalMs ?? 1000);
  const history = new StatsHistory({
    capacity: Math.ceil(((options.historySeconds ?? 900) * 1000) / intervalMs),
  });
  const sample = () =>
    metrics.snapshot().then(
      (snapshot) => history.sample(snapshot),
      (error: unknown) => logger.warn({ err: error }, 'dashboard history sample failed'),
    );
  await sample();
  const sampler = setInterval(sample, intervalMs);
  sampler.unref();

  const page = dashboardHtml(options.title ?? 'Offloader');
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src '${sha256(DASHBOARD_SCRIPT)}'`,
    `style-src '${sha256(DASHBOARD_STYLE)}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

  const routes: Record<string, (url: URL, res: ServerResponse) => Promise<void> | void> = {
    '/': (_url, res) =>
      send(res, 200, 'text/html; charset=utf-8', page, { 'Content-Security-Policy': contentSecurityPolicy }),
    '/metrics': async (_url, res) => {
      let body = await metrics.registry.metrics();
      if (options.processMetrics !== false) body += await renderProcessMetrics();
      send(res, 200, metrics.registry.contentType, body);
    },
    '/health': async (_url, res) => health(res, 'health'),
    '/health/live': async (_url, res) => health(res, 'live'),
    '/health/ready': async (_url, res) => health(res, 'ready'),
    '/events': (url, res) => sendJson(res, 200, events.list(eventFilter(url.searchParams))),
    '/api/stats': async (url, res) => {
      const since = optionalNumber(url.searchParams, 'since');
      sendJson(res, 200, {
        title: options.title ?? 'Offloader',
        at: Date.now(),
        intervalMs,
        statistics: await metrics.snapshot(),
        history: history.samples(since),
      });
    },
    '/favicon.ico': (_url, res) => send(res, 204, 'image/x-icon', ''),
  };

  async function health(res: ServerResponse, probe: 'health' | 'live' | 'ready'): Promise<void> {
    let report: HealthReport;
    try {
      report = normaliseHealth(await options.health());
    } catch (error) {
      report = { status: 'down', live: false, ready: false, reasons: [`health check failed: ${messageOf(error)}`] };
    }
    sendJson(res, healthHttpStatus(report, probe), report);
  }

  const hostAllowed = hostCheck(options.allowedHosts ?? []);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!hostAllowed(req.headers.host)) {
      return sendJson(res, 403, { error: 'this Host is not allowed here; list it in http.allowedHosts' });
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routes[url.pathname];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendJson(res, 405, { error: `method ${req.method} not allowed` });
    }
    if (!route) return sendJson(res, 404, { error: `no such page: ${url.pathname}`, pages: Object.keys(routes) });
    Promise.resolve()
      .then(() => route(url, res))
      .catch((error: unknown) => {
        if (error instanceof BadRequest) return sendJson(res, 400, { error: error.message });
        logger.error({ err: error, path: url.pathname }, 'status server request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.destroy();
      });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;
  logger.info({ url }, 'status server listening');

  return {
    url,
    history,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sampler);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function eventFilter(params: URLSearchParams) {
  const limit = optionalNumber(params, 'limit') ?? DEFAULT_EVENT_LIMIT;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_EVENT_LIMIT) {
    throw new BadRequest(`limit must be an integer from 0 to ${MAX_EVENT_LIMIT}, got ${params.get('limit')}`);
  }
  return {
    limit,
    severity: optionalSeverity(params, 'severity'),
    minSeverity: optionalSeverity(params, 'minSeverity'),
    code: params.get('code') || undefined,
  };
}

function optionalSeverity(params: URLSearchParams, name: string): Severity | undefined {
  const value = params.get(name);
  if (!value) return undefined;
  if (!(value in SEVERITY_RANK)) {
    throw new BadRequest(`${name} must be one of ${Object.keys(SEVERITY_RANK).join(', ')}, got ${value}`);
  }
  return value as Severity;
}

function optionalNumber(params: URLSearchParams, name: string): number | undefined {
  const value = params.get(name);
  if (value === null || value === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number)) throw new BadRequest(`${name} must be a number, got ${value}`);
  return number;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

let processRegistry: Registry | undefined;

/**
 * Node.js process metrics (CPU, memory, event-loop lag, GC) from prom-client's default collectors. They
 * describe the process, not a pipeline, and the collectors install process-wide hooks, so one registry is
 * shared by every status server in the process.
 */
async function renderProcessMetrics(): Promise<string> {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry.metrics();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.', '127.0.0.1', '::1']);

/**
 * Whether a `Host` header may be answered: none (not a browser), a loopback name, an IP literal (the browser's
 * origin is then this server itself, so no rebinding), or a listed name.
 */
function hostCheck(allowed: readonly string[]): (header: string | undefined) => boolean {
  const names = new Set(allowed.map((name) => name.toLowerCase()));
  return (header) => {
    if (header === undefined) return true;
    let name: string;
    try {
      name = new URL(`http://${header}`).hostname.toLowerCase();
    } catch {
      return false;
    }
    const bare = name.startsWith('[') ? name.slice(1, -1) : name;
    return LOOPBACK_NAMES.has(bare) || isIP(bare) !== 0 || names.has(bare) || bare.endsWith('.localhost');
  };
}
