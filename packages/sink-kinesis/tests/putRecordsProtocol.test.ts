import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKinesisClient, sendPutRecords } from '../src/client.js';
import { putRecordsBody } from '../src/putRecordsProtocol.js';

describe('putRecordsBody', () => {
  it('is the JSON the awsJson1_1 protocol wants: base64 data, escaped keys, the stream by name or ARN', () => {
    const records = [
      { Data: Buffer.from('{"a":"é"}'), PartitionKey: 'ключ/"x"\\\n', ExplicitHashKey: '123' },
      { Data: new Uint8Array([0, 1, 2, 255]), PartitionKey: 'p' },
      { Data: new Uint8Array(0), PartitionKey: '\ud800 lone surrogate' },
    ];
    for (const [name, arn] of [
      ['stream-1', undefined],
      [undefined, 'arn:aws:kinesis:eu-west-1:123456789012:stream/ström'],
    ]) {
      const body = putRecordsBody(name, arn, records);
      const parsed = JSON.parse(body.toString('utf8'));
      expect(parsed.StreamName).toBe(name);
      expect(parsed.StreamARN).toBe(arn);
      expect(parsed.Records).toEqual([
        { Data: Buffer.from('{"a":"é"}').toString('base64'), PartitionKey: 'ключ/"x"\\\n', ExplicitHashKey: '123' },
        { Data: 'AAEC/w==', PartitionKey: 'p' },
        { Data: '', PartitionKey: '\ud800 lone surrogate' },
      ]);
      // The buffer is exactly the body: no unwritten bytes at its end.
      expect(body.toString('utf8').endsWith('}')).toBe(true);
    }
    expect(JSON.parse(putRecordsBody('s', undefined, []).toString())).toEqual({ Records: [], StreamName: 's' });
  });
});

/** A server that answers every call with the next canned answer and keeps what it was sent. */
function cannedServer() {
  const answers: { status: number; body: string }[] = [];
  const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = answers.shift() ?? { status: 500, body: '{}' };
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(answer.body);
    });
  });
  return { server, answers, seen };
}

describe('PutRecords through the client (a canned Kinesis endpoint)', () => {
  const canned = cannedServer();
  let server: Server;
  let endpoint: string;
  beforeAll(async () => {
    server = canned.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = () =>
    createKinesisClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'S' } });
  const input = {
    StreamName: 'orders',
    Records: [
      { Data: Buffer.from('one'), PartitionKey: 'a' },
      { Data: Buffer.from('two'), PartitionKey: 'b' },
    ],
  };

  it('sends the records signed, with the operation header, and reads every result in order', async () => {
    canned.answers.push({
      status: 200,
      body: JSON.stringify({
        FailedRecordCount: 1,
        Records: [
          { SequenceNumber: '1', ShardId: 'shardId-000000000001' },
          { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'slow down' },
        ],
      }),
    });
    const sdk = client();
    const output = await sendPutRecords(sdk, input, new AbortController().signal);
    sdk.destroy();
    const request = canned.seen.at(-1);
    expect(request?.headers['x-amz-target']).toBe('Kinesis_20131202.PutRecords');
    expect(request?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKID\//);
    expect(JSON.parse(request?.body ?? '')).toEqual({
      StreamName: 'orders',
      Records: [
        { Data: Buffer.from('one').toString('base64'), PartitionKey: 'a' },
        { Data: Buffer.from('two').toString('base64'), PartitionKey: 'b' },
      ],
    });
    expect(output.FailedRecordCount).toBe(1);
    expect(output.Records).toEqual([
      { SequenceNumber: '1', ShardId: 'shardId-000000000001' },
      { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'slow down' },
    ]);
    expect((output as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(200);
  });

  it('turns entries that are no objects into empty results, so their records are retried, not a crash', async () => {
    canned.answers.push({ status: 200, body: '{"FailedRecordCount":0,"Records":[null,7]}' });
    const sdk = client();
    const output = await sendPutRecords(sdk, input, new AbortController().signal);
    sdk.destroy();
    expect(output.Records).toEqual([{}, {}]);
  });

  it("leaves a failed call to the SDK: its typed exception, with the service's name and status", async () => {
    canned.answers.push({
      status: 400,
      body: JSON.stringify({ __type: 'ProvisionedThroughputExceededException', message: 'Rate exceeded' }),
    });
    const sdk = client();
    const failure = await sendPutRecords(sdk, input, new AbortController().signal).catch((error: unknown) => error);
    sdk.destroy();
    expect(failure).toMatchObject({
      name: 'ProvisionedThroughputExceededException',
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 400 },
    });
  });
});
