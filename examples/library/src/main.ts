import { Pipeline } from '@offloader/core';
import { kinesisSink } from '@offloader/sink-kinesis';
import { dataminerCsvSource } from '@offloader/source-dataminer-csv';

const [folder = new URL('../../quickstart/offload', import.meta.url).pathname, state = './state'] =
  process.argv.slice(2);
const pipeline = await Pipeline.fromDefinition(
  {
    state,
    sources: [{ type: 'dataminer-csv', options: { path: folder, afterDelivery: 'keep', complete: { settleMs: 0 } } }],
    sink: {
      type: 'kinesis',
      options: { endpoint: 'local', streams: { data: 'dm-trend', dataavg: 'dm-avg', alarm: 'dm-alarm' } },
    },
    log: { level: 'warn' },
  },
  { plugins: [dataminerCsvSource, kinesisSink], once: true },
);
console.log(JSON.stringify(await pipeline.run()));
