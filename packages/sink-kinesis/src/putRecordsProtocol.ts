import type { PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { AwsJson1_1Protocol } from '@aws-sdk/core/protocols';
import { asBuffer } from '@offloader/core';

type OperationSchema = Parameters<AwsJson1_1Protocol['serializeRequest']>[0];
type SerdeContext = Parameters<AwsJson1_1Protocol['serializeRequest']>[2];
type DeserializeContext = Parameters<AwsJson1_1Protocol['deserializeResponse']>[1];
type HttpResponse = Parameters<AwsJson1_1Protocol['deserializeResponse']>[2];
type MetadataBearer = { $metadata: object };

interface PutRecordsShape {
  StreamName?: string;
  StreamARN?: string;
  Records?: PutRecordsRequestEntry[];
}

/**
 * The SDK's awsJson1_1 protocol with PutRecords written and read directly. The SDK walks its schema for every
 * field of every record, both ways: 7 % of a busy sink's CPU in a profile, plus the garbage it left. Here a
 * request body is one buffer written in place and a successful answer is one `JSON.parse`.
 * Everything else is the SDK's: endpoint rules (an ARN's account endpoint), headers, signing, clock-skew
 * correction, errors (a failed call reaches `deserializeResponse` of the base class and throws the SDK's typed
 * exception), and every other operation.
 */
export class PutRecordsProtocol extends AwsJson1_1Protocol {
  override async serializeRequest<Input extends object>(
    operationSchema: OperationSchema,
    input: Input,
    context: SerdeContext,
  ) {
    if (operationSchema.name !== 'PutRecords') return super.serializeRequest(operationSchema, input, context);
    const { StreamName, StreamARN, Records = [] } = input as PutRecordsShape;
    // The base class makes the request (endpoint, path, headers) from the input without its records.
    const request = await super.serializeRequest(operationSchema, { StreamName, StreamARN }, context);
    request.body = putRecordsBody(StreamName, StreamARN, Records);
    return request;
  }

  override async deserializeResponse<Output extends MetadataBearer>(
    operationSchema: OperationSchema,
    context: DeserializeContext,
    response: HttpResponse,
  ): Promise<Output> {
    if (operationSchema.name !== 'PutRecords' || this.isErrorResponse(response.statusCode)) {
      return super.deserializeResponse<Output>(operationSchema, context, response);
    }
    const bytes = await context.streamCollector(response.body);
    const text = asBuffer(bytes).toString('utf8');
    const parsed: unknown = text.length > 0 ? JSON.parse(text) : {};
    const answer = (parsed !== null && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
    // An endpoint that lies (a list of nulls, numbers) must not crash the writer: an entry that is no object
    // has no sequence number, so its record is retried; a missing list fails the call as malformed.
    const records: unknown[] | undefined = Array.isArray(answer.Records) ? answer.Records : undefined;
    // A loop, not a per-call arrow: see requestRecords() in PutRecordsWriter.ts.
    for (let index = 0; records !== undefined && index < records.length; index++) {
      const entry = records[index];
      if (entry === null || typeof entry !== 'object') records[index] = {};
    }
    return { ...answer, Records: records, $metadata: this.deserializeMetadata(response) } as unknown as Output;
  }
}

/**
 * The JSON body of a PutRecords call, written straight into one buffer of its exact size: joining the records
 * as one string made V8 flatten it (up to 5 MB) and encode it again, which cost more than all the rest.
 * Data is base64 (the protocol's blobs); keys and names are JSON-escaped.
 */
export function putRecordsBody(
  streamName: string | undefined,
  streamArn: string | undefined,
  records: readonly PutRecordsRequestEntry[],
): Buffer {
  const parts: string[] = [];
  let size = RECORDS_OPEN.length;
  for (let index = 0; index < records.length; index++) {
    const record = records[index];
    const data = record.Data === undefined ? '' : asBuffer(record.Data).toString('base64');
    const key = JSON.stringify(record.PartitionKey ?? '');
    const hashKey =
      record.ExplicitHashKey === undefined ? '' : `,"ExplicitHashKey":${JSON.stringify(record.ExplicitHashKey)}`;
    parts.push(data, key, hashKey);
    size += DATA_OPEN.length + data.length + KEY_OPEN.length + Buffer.byteLength(key) + Buffer.byteLength(hashKey) + 1;
  }
  size += records.length > 0 ? records.length - 1 : 0;
  let tail = ']';
  if (streamName !== undefined) tail += `,"StreamName":${JSON.stringify(streamName)}`;
  if (streamArn !== undefined) tail += `,"StreamARN":${JSON.stringify(streamArn)}`;
  tail += '}';
  size += Buffer.byteLength(tail);
  const body = Buffer.allocUnsafe(size);
  let at = body.write(RECORDS_OPEN, 0, 'latin1');
  for (let index = 0; index < parts.length; index += 3) {
    if (index > 0) at += body.write(',', at, 'latin1');
    at += body.write(DATA_OPEN, at, 'latin1');
    at += body.write(parts[index], at, 'latin1');
    at += body.write(KEY_OPEN, at, 'latin1');
    at += body.write(parts[index + 1], at, 'utf8');
    at += body.write(parts[index + 2], at, 'utf8');
    at += body.write('}', at, 'latin1');
  }
  body.write(tail, at, 'utf8');
  return body;
}

const RECORDS_OPEN = '{"Records":[';
const DATA_OPEN = '{"Data":"';
const KEY_OPEN = '","PartitionKey":';
