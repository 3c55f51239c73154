export {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalKinesis,
  type LocalStreamSpec,
  startLocalKinesis,
} from '@offloader/sink-kinesis/local';
export { startFaultProxy } from './faultProxy.js';
export type { FaultCounters, FaultProxy, FaultProxyOptions, FaultSettings } from './faultTypes.js';
export { createTestSink, memoryLogger, type TestSink, trendRecords, writeAll } from './harness.js';
export { DEFAULT_FAULT_SEED, faultSeedFromEnv, seededRandom } from './seed.js';
