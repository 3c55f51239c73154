import { KinesisLimits } from '@offloader/sink-kinesis';

/** Faults the proxy injects; change them at run time with `proxy.set({...})`. */
export interface FaultSettings {
  /** Delay added before each request is handled. */
  latencyMs: number;
  /** Fraction (0–1) of requests answered with HTTP 500 InternalFailure, whatever the operation. */
  http500Fraction: number;
  /** Fraction of PutRecords records failed with ProvisionedThroughputExceededException (never forwarded). */
  throttleFraction: number;
  /** Fraction of PutRecords records failed with InternalFailure (never forwarded). */
  internalFailureFraction: number;
  /** Enforce 1,000 records/s and 1 MiB/s per shard (shard from MD5 of the partition key over the hash ranges). */
  shardLimits: boolean;
  /**
   * Records per shard per (wall-clock) second that `shardLimits` allows; default the Kinesis quota. A lower
   * quota lets a test exceed it for certain however slow a loaded machine makes the producer.
   */
  shardRecordsPerSecond: number;
  /** Answer PutRecords like Kinesis without forwarding or storing (count only): benchmarks beyond kinesalite. */
  acceptOnly: boolean;
  /** Answer every request with UnrecognizedClientException whose message echoes the Authorization header. */
  rejectCredentials: boolean;
}

export interface FaultCounters {
  requests: number;
  byOperation: Record<string, number>;
  putRecordsRequests: number;
  /** PutRecords records received from the client. */
  recordsSeen: number;
  /** Records passed on to the server. */
  recordsForwarded: number;
  /** Records answered with a sequence number (by the server, or by the proxy in acceptOnly mode). */
  recordsSucceeded: number;
  bytesSucceeded: number;
  injectedThrottled: number;
  injectedInternalFailures: number;
  shardLimited: number;
  http500: number;
  credentialRejections: number;
  /** Client sockets destroyed by an outage. */
  socketsDropped: number;
  /** Records answered with success, per `stream/shardId`. */
  perShard: Record<string, number>;
  /** Most records seen in one PutRecords request. */
  largestRequestRecords: number;
  /** Most bytes (data + partition keys) seen in one PutRecords request. */
  largestRequestBytes: number;
  /** Largest single record (data + partition key) seen. */
  largestRecordBytes: number;
}

export interface FaultProxyOptions {
  /** Kinesis-API endpoint to forward to, e.g. the local kinesalite. */
  target: string;
  host?: string;
  port?: number;
  /** Shard counts for streams the target cannot describe (acceptOnly without a server). */
  shards?: Record<string, number>;
  faults?: Partial<FaultSettings>;
  /**
   * Seed of every fault roll. Default: `OFFLOADER_TEST_SEED` from the environment, else {@link DEFAULT_FAULT_SEED}.
   * Rolls are drawn in arrival order from two fixed sequences (requests for HTTP 500, records for per-record
   * faults), so for a given seed the n-th request and the n-th record always get the same fate.
   */
  seed?: number;
}

export interface FaultProxy {
  endpoint: string;
  port: number;
  /** Seed of the fault rolls: print it with a failure, and rerun with `OFFLOADER_TEST_SEED=<seed>`. */
  readonly seed: number;
  readonly settings: FaultSettings;
  readonly counters: FaultCounters;
  set(faults: Partial<FaultSettings>): void;
  /** `true`: stop listening and destroy open sockets (connections are refused); `false`: listen again. */
  setOutage(down: boolean): Promise<void>;
  resetCounters(): void;
  close(): Promise<void>;
}

export const NO_FAULTS: FaultSettings = {
  latencyMs: 0,
  http500Fraction: 0,
  throttleFraction: 0,
  internalFailureFraction: 0,
  shardLimits: false,
  shardRecordsPerSecond: KinesisLimits.shardRecordsPerSecond,
  acceptOnly: false,
  rejectCredentials: false,
};

export function emptyCounters(): FaultCounters {
  return {
    requests: 0,
    byOperation: {},
    putRecordsRequests: 0,
    recordsSeen: 0,
    recordsForwarded: 0,
    recordsSucceeded: 0,
    bytesSucceeded: 0,
    injectedThrottled: 0,
    injectedInternalFailures: 0,
    shardLimited: 0,
    http500: 0,
    credentialRejections: 0,
    socketsDropped: 0,
    perShard: {},
    largestRequestRecords: 0,
    largestRequestBytes: 0,
    largestRecordBytes: 0,
  };
}
