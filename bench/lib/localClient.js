// @ts-check
import { Agent } from 'node:http';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Credentials and region of the local Kinesis (kinesalite accepts any). */
export const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local-secret' } };

/** The SDK client a baseline producer uses: the local endpoint, keep-alive connections. @param {string} endpoint */
export function localClient(endpoint) {
  return new KinesisClient({
    ...LOCAL,
    endpoint,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true }) }),
  });
}

/** Options of Offloader's kinesis sink for the local endpoint. @param {string} endpoint */
export function localSinkOptions(endpoint) {
  return { ...LOCAL, endpoint, bypassProxy: true };
}
