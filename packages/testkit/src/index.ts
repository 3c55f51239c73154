export {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalKinesis,
  type LocalStreamSpec,
  startLocalKinesis,
} from '@offloader/sink-kinesis/local';
export {
  DEFAULT_FAULT_SEED,
  type FaultCounters,
  type FaultProxy,
  type FaultProxyOptions,
  type FaultSettings,
  faultSeedFromEnv,
  seededRandom,
  startFaultProxy,
} from './faultProxy.js';
export { createTestSink, memoryLogger, type TestSink, trendRecords, writeAll } from './harness.js';
