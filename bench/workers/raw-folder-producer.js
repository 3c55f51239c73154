// @ts-check
// B6 floor: the naive folder shipper without the AWS SDK, the least a Node.js shipper does for the same work.
// The same loop as naive-folder-producer.js (../lib/folderShipper.js); each request body is written into one
// buffer, hashed once with SHA-256 (the part of a SigV4 signature that grows with the body; the few HMACs over
// short strings are left out, and kinesalite does not check signatures), and sent with node:http over a
// keep-alive connection.
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import { runFolderShipper } from '../lib/folderShipper.js';

/** Bytes around each record's data and key: `,{"Data":"` … `","PartitionKey":` … `}`. */
const ENTRY_FRAME_BYTES = ',{"Data":"'.length + '","PartitionKey":'.length + '}'.length;

/**
 * The request's JSON written straight into one buffer: one JSON.stringify of the whole request makes V8 build and
 * flatten a string of up to 5 MB and encode it again, which costs more than everything else here. Written here,
 * not taken from the sink's putRecordsBody: a baseline must not lean on the code it is compared with.
 * @param {string} stream @param {import('../lib/folderShipper.js').Entry[]} records
 */
function requestBody(stream, records) {
  const parts = records.map((record) => [record.Data.toString('base64'), JSON.stringify(record.PartitionKey)]);
  const head = `{"StreamName":${JSON.stringify(stream)},"Records":[`;
  let size = Buffer.byteLength(head) + ']}'.length;
  for (const [data, key] of parts) size += ENTRY_FRAME_BYTES + data.length + Buffer.byteLength(key);
  const body = Buffer.allocUnsafe(size);
  let at = body.write(head);
  parts.forEach(([data, key], index) => {
    at += body.write(`${index > 0 ? ',' : ''}{"Data":"`, at, 'latin1');
    at += body.write(data, at, 'latin1');
    at += body.write('","PartitionKey":', at, 'latin1');
    at += body.write(key, at, 'utf8');
    at += body.write('}', at, 'latin1');
  });
  at += body.write(']}', at, 'latin1');
  return body.subarray(0, at);
}

/**
 * One PutRecords call; resolves with the parsed answer.
 * @param {URL} target @param {Agent} agent @param {string} stream
 * @param {import('../lib/folderShipper.js').Entry[]} records
 * @returns {Promise<import('../lib/folderShipper.js').Answer>}
 */
function putRecords(target, agent, stream, records) {
  const body = requestBody(stream, records);
  const payloadHash = createHash('sha256').update(body).digest('hex');
  const headers = {
    'Content-Type': 'application/x-amz-json-1.1',
    'X-Amz-Target': 'Kinesis_20131202.PutRecords',
    'X-Amz-Date': new Date().toISOString().replace(/[-:]|\.\d{3}/g, ''),
    'X-Amz-Content-Sha256': payloadHash,
    'Content-Length': body.length,
    Authorization: `AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=${payloadHash}`,
  };
  return new Promise((resolve, reject) => {
    const call = request(
      { host: target.hostname, port: target.port, path: '/', method: 'POST', agent, headers },
      (response) => {
        /** @type {Buffer[]} */
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (response.statusCode === 200) resolve(answer);
          else reject(new Error(`PutRecords ${response.statusCode}: ${answer.message ?? answer.__type}`));
        });
      },
    );
    call.on('error', reject);
    call.end(body);
  });
}

await runFolderShipper((endpoint) => {
  const target = new URL(endpoint);
  const agent = new Agent({ keepAlive: true });
  return { putRecords: (stream, records) => putRecords(target, agent, stream, records), close: () => agent.destroy() };
});
