import { request } from 'node:http';
import { EventLog, PromMetrics, silentLogger, systemClock } from '@offloader/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type StatusServer, startStatusServer } from '../src/server.js';

let server: StatusServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(allowedHosts?: string[]) {
  const events = new EventLog({ maxRows: 5, maxAgeHours: 1, aggregateWindowMs: 0 }, systemClock);
  events.emit({ severity: 'info', source: 't', code: 'FILE_IO', message: 'internal detail' });
  server = await startStatusServer({
    port: 0,
    metrics: new PromMetrics(),
    events,
    logger: silentLogger(),
    health: () => ({ status: 'ok', live: true, ready: true, reasons: [] }),
    processMetrics: false,
    allowedHosts,
  });
  return new URL(server.url);
}

/** GET `path` with a chosen Host header, as a page on a rebinding domain would send it. */
function get(url: URL, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ hostname: url.hostname, port: url.port, path, headers: { Host: host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('status server Host check (DNS rebinding)', () => {
  it.each(['/events', '/metrics', '/api/stats', '/'])('%s refuses a foreign Host name', async (path) => {
    const url = await start();
    const answer = await get(url, path, `attacker.example:${url.port}`);
    expect(answer.status).toBe(403);
    expect(answer.body).not.toContain('internal detail');
  });

  it.each(['localhost', '127.0.0.1', '[::1]', '10.1.2.3'])(
    'answers Host %s (loopback names and IP literals)',
    async (name) => {
      const url = await start();
      expect((await get(url, '/events', `${name}:${url.port}`)).status).toBe(200);
    },
  );

  it('answers names listed in allowedHosts', async () => {
    const url = await start(['offloader.corp.local']);
    expect((await get(url, '/events', 'offloader.corp.local')).status).toBe(200);
    expect((await get(url, '/events', 'other.corp.local')).status).toBe(403);
  });
});
