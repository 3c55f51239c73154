// @ts-check
import { tailStream } from '@offloader/sink-kinesis';

/**
 * Reads a kinesalite stream back past the proxy (KPL aggregates de-aggregated) and counts user records,
 * distinct ones (by TIMESTAMP_UNIX, unique per generated record) and records that are not valid JSON.
 * @param {string} endpoint
 * @param {string} stream
 */
export async function readBack(endpoint, stream) {
  const seen = new Set();
  let total = 0;
  let malformed = 0;
  for await (const record of tailStream({
    endpoint,
    stream,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local-secret' },
    bypassProxy: true,
  })) {
    total += 1;
    try {
      seen.add(JSON.parse(record.data.toString('utf8')).TIMESTAMP_UNIX);
    } catch {
      malformed += 1;
    }
  }
  return { total, distinct: seen.size, malformed };
}
