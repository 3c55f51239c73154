import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ListShardsCommand } from '@aws-sdk/client-kinesis';
import { createKinesisClient, KinesisLimits } from '@offloader/sink-kinesis';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '@offloader/sink-kinesis/local';
import { emptyCounters, type FaultProxy, type FaultProxyOptions, type FaultSettings, NO_FAULTS } from './faultTypes.js';
import { faultSeedFromEnv, seededRandom } from './seed.js';
import { evenShards, type ShardRange, shardOfRecord } from './shards.js';

interface PutRecordsBody {
  StreamName?: string;
  StreamARN?: string;
  Records: { Data: string; PartitionKey: string; ExplicitHashKey?: string }[];
}

interface ResultEntry {
  ShardId?: string;
  SequenceNumber?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

const AMZ_JSON = 'application/x-amz-json-1.1';

/**
 * An HTTP proxy on 127.0.0.1 in front of a Kinesis-API server that injects faults switchable at run time:
 * latency, refused connections, HTTP 500, per-record throttling / InternalFailure (only the other records
 * are forwarded; results are merged back in request order with a correct FailedRecordCount), per-shard
 * write limits, credential rejection, and an accept-only mode. Counts everything it saw and injected.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const host = options.host ?? '127.0.0.1';
  const settings: FaultSettings = { ...NO_FAULTS, ...options.faults };
  let counters = emptyCounters();
  const seed = options.seed ?? faultSeedFromEnv();
  const requestRoll = seededRandom(seed);
  const recordRoll = seededRandom(seed ^ 0x5bd1e995);
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const sockets = new Set<Socket>();
  const shardMaps = new Map<string, Promise<ShardRange[]>>();
  const shardUsage = new Map<string, { second: number; records: number; bytes: number }>();
  let sequence = 49_600_000_000_000_000_000_000_000_000_000_000_000_000_000_000n;
  const describeClient = createKinesisClient({
    endpoint: options.target,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    bypassProxy: true,
  });

  const shardMap = (stream: string): Promise<ShardRange[]> => {
    let map = shardMaps.get(stream);
    if (!map) {
      map = learnShards(stream);
      shardMaps.set(stream, map);
    }
    return map;
  };
  const learnShards = async (stream: string): Promise<ShardRange[]> => {
    const known = options.shards?.[stream];
    if (known !== undefined) {
      return evenShards(known);
    }
    const answer = await describeClient.send(new ListShardsCommand({ StreamName: stream }));
    return (answer.Shards ?? []).map((shard) => ({
      shardId: shard.ShardId ?? '',
      startingHashKey: BigInt(shard.HashKeyRange?.StartingHashKey ?? '0'),
      endingHashKey: BigInt(shard.HashKeyRange?.EndingHashKey ?? '0'),
    }));
  };

  const overShardLimit = (shardKey: string, bytes: number): boolean => {
    const second = Math.floor(Date.now() / 1000);
    let usage = shardUsage.get(shardKey);
    if (!usage || usage.second !== second) {
      usage = { second, records: 0, bytes: 0 };
      shardUsage.set(shardKey, usage);
    }
    if (usage.records + 1 > settings.shardRecordsPerSecond) return true;
    if (usage.bytes + bytes > KinesisLimits.shardBytesPerSecond) return true;
    usage.records += 1;
    usage.bytes += bytes;
    return false;
  };

  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((resolve, reject) => {
      const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
      const outgoing = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const passHeaders: Record<string, string> = {};
            for (const name of ['content-type', 'x-amzn-requestid', 'x-amz-id-2']) {
              const value = response.headers[name];
              if (typeof value === 'string') passHeaders[name] = value;
            }
            resolve({ status: response.statusCode ?? 502, headers: passHeaders, body: Buffer.concat(chunks) });
          });
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const measure = (body: PutRecordsBody) => {
    counters.putRecordsRequests += 1;
    counters.recordsSeen += body.Records.length;
    let bytes = 0;
    for (const record of body.Records) {
      const size = base64Bytes(record.Data) + Buffer.byteLength(record.PartitionKey, 'utf8');
      counters.largestRecordBytes = Math.max(counters.largestRecordBytes, size);
      bytes += size;
    }
    counters.largestRequestRecords = Math.max(counters.largestRequestRecords, body.Records.length);
    counters.largestRequestBytes = Math.max(counters.largestRequestBytes, bytes);
  };

  const putRecords = async (req: IncomingMessage, raw: Buffer, res: ServerResponse) => {
    const body = JSON.parse(raw.toString('utf8')) as PutRecordsBody;
    const stream = body.StreamName ?? body.StreamARN?.split('/').pop() ?? '';
    measure(body);
    const needsShards = settings.shardLimits || settings.acceptOnly;
    const ranges = needsShards ? await shardMap(stream) : [];
    const results: (ResultEntry | undefined)[] = new Array(body.Records.length);
    const forwardIndexes: number[] = [];
    body.Records.forEach((record, index) => {
      const roll = recordRoll();
      if (roll < settings.throttleFraction) {
        counters.injectedThrottled += 1;
        results[index] = throttled(stream, 'injected');
        return;
      }
      if (roll < settings.throttleFraction + settings.internalFailureFraction) {
        counters.injectedInternalFailures += 1;
        results[index] = { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure (injected).' };
        return;
      }
      if (settings.shardLimits) {
        const shard = shardOfRecord(ranges, record.PartitionKey, record.ExplicitHashKey);
        const bytes = base64Bytes(record.Data) + Buffer.byteLength(record.PartitionKey, 'utf8');
        if (overShardLimit(`${stream}/${shard?.shardId}`, bytes)) {
          counters.shardLimited += 1;
          results[index] = throttled(stream, shard?.shardId ?? 'unknown');
          return;
        }
      }
      forwardIndexes.push(index);
    });
    if (forwardIndexes.length > 0 && settings.acceptOnly) {
      for (const index of forwardIndexes) {
        const record = body.Records[index];
        const shard = shardOfRecord(ranges, record.PartitionKey, record.ExplicitHashKey);
        sequence += 1n;
        results[index] = { ShardId: shard?.shardId ?? 'shardId-000000000000', SequenceNumber: sequence.toString() };
      }
    } else if (forwardIndexes.length > 0) {
      counters.recordsForwarded += forwardIndexes.length;
      const subset = { ...body, Records: forwardIndexes.map((index) => body.Records[index]) };
      const answer = await forward(req, Buffer.from(JSON.stringify(subset)));
      if (answer.status !== 200) return send(res, answer.status, answer.body, answer.headers);
      const server = JSON.parse(answer.body.toString('utf8')) as { Records: ResultEntry[] };
      forwardIndexes.forEach((index, i) => {
        results[index] = server.Records[i];
      });
    }
    let failed = 0;
    results.forEach((result, index) => {
      if (!result || result.ErrorCode) {
        failed += 1;
        return;
      }
      counters.recordsSucceeded += 1;
      counters.bytesSucceeded += base64Bytes(body.Records[index].Data);
      const key = `${stream}/${result.ShardId}`;
      counters.perShard[key] = (counters.perShard[key] ?? 0) + 1;
    });
    const answerBody = JSON.stringify({ FailedRecordCount: failed, Records: results });
    send(res, 200, Buffer.from(answerBody), { 'content-type': AMZ_JSON });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    counters.requests += 1;
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
    counters.byOperation[operation] = (counters.byOperation[operation] ?? 0) + 1;
    if (settings.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, settings.latencyMs));
    if (settings.rejectCredentials) {
      counters.credentialRejections += 1;
      // Real services echo parts of the signature in some messages; the sink must scrub them.
      const message = `The security token included in the request is invalid. Authorization=${req.headers.authorization}`;
      return sendJson(res, 400, { __type: 'UnrecognizedClientException', message });
    }
    if (requestRoll() < settings.http500Fraction) {
      counters.http500 += 1;
      return sendJson(res, 500, { __type: 'InternalFailure', message: 'injected HTTP 500' });
    }
    const faultsPutRecords =
      settings.acceptOnly ||
      settings.shardLimits ||
      settings.throttleFraction > 0 ||
      settings.internalFailureFraction > 0;
    if (operation === 'PutRecords' && faultsPutRecords) return putRecords(req, raw, res);
    if (operation === 'PutRecords') {
      const body = JSON.parse(raw.toString('utf8')) as PutRecordsBody;
      measure(body);
      counters.recordsForwarded += body.Records.length;
      const answer = await forward(req, raw);
      if (answer.status === 200) {
        const stream = body.StreamName ?? '';
        const server = JSON.parse(answer.body.toString('utf8')) as { Records: ResultEntry[] };
        server.Records.forEach((result, index) => {
          if (result.ErrorCode) return;
          counters.recordsSucceeded += 1;
          counters.bytesSucceeded += base64Bytes(body.Records[index].Data);
          const key = `${stream}/${result.ShardId}`;
          counters.perShard[key] = (counters.perShard[key] ?? 0) + 1;
        });
      }
      return send(res, answer.status, answer.body, answer.headers);
    }
    const answer = await forward(req, raw);
    send(res, answer.status, answer.body, answer.headers);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) sendJson(res, 502, { __type: 'ProxyError', message: error.message });
      else res.destroy();
    });
  });
  // As the embedded server does: idle keep-alive sockets live a minute, so a client never reuses one that the
  // proxy is closing at that moment (Node's 5 s default gave "socket hang up" on a lagging event loop).
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 61_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  let down = false;
  const closeListener = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) {
        socket.destroy();
        counters.socketsDropped += 1;
      }
    });

  return {
    endpoint: `http://${host}:${port}`,
    port,
    seed,
    settings,
    get counters() {
      return counters;
    },
    set(faults) {
      Object.assign(settings, faults);
    },
    async setOutage(next) {
      if (next === down) return;
      down = next;
      if (next) await closeListener();
      else await listen(port);
    },
    resetCounters() {
      counters = emptyCounters();
    },
    async close() {
      describeClient.destroy();
      agent.destroy();
      if (!down) await closeListener();
    },
  };
}

function throttled(stream: string, shard: string): ResultEntry {
  return {
    ErrorCode: 'ProvisionedThroughputExceededException',
    ErrorMessage: `Rate exceeded for shard ${shard} in stream ${stream} under account 000000000000.`,
  };
}

function base64Bytes(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length * 3) / 4 - padding;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, Buffer.from(JSON.stringify(body)), { 'content-type': AMZ_JSON });
}

function send(res: ServerResponse, status: number, body: Buffer, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'content-length': String(body.length) });
  res.end(body);
}
