export { createKinesisClient, type KinesisClientOptions } from './client.js';
export { LocalServerError, RoutePausedError } from './errors.js';
export { KinesisSink, USER_RECORDS_PUT } from './KinesisSink.js';
export { deaggregate, type UserRecord } from './kpl.js';
export { KinesisLimits } from './limits.js';
export {
  type KinesisSinkOptions,
  kinesisSinkOptionsSchema,
  type LocalServerOptions,
  type RetryOptions,
  type StaticCredentials,
} from './options.js';
export { kinesisSink, plugins } from './plugin.js';
export { type TailOptions, type TailRecord, tailStream } from './tail.js';
export { KinesisTokens } from './tokens.js';
