export {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalKinesis,
  type LocalStreamSpec,
  startLocalKinesis,
} from '@offloader/sink-kinesis/local';
export {
  type FaultCounters,
  type FaultProxy,
  type FaultProxyOptions,
  type FaultSettings,
  startFaultProxy,
} from './faultProxy.js';
export { createTestSink, memoryLogger, type TestSink, trendRecords, writeAll } from './harness.js';
