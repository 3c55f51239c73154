import { fileURLToPath } from 'node:url';
import { Pipeline } from '@offloader/core';
import { kinesisSink } from '@offloader/sink-kinesis';
import { dataminerCsvSource } from '@offloader/source-dataminer-csv';

const here = (to: string) => fileURLToPath(new URL(to, import.meta.url));
const [path = here('../input'), state = here('../state')] = process.argv.slice(2);
const streams = { data: 'dm-trend', dataavg: 'dm-avg', alarm: 'dm-alarm' };
const source = { type: 'dataminer-csv', options: { path, afterDelivery: 'keep', complete: { settleMs: 0 } } };
const sink = { type: 'kinesis', options: { endpoint: 'local', streams } };
const pipeline = await Pipeline.fromDefinition(
  { state, sources: [source], sink, log: { level: 'warn' } },
  { plugins: [dataminerCsvSource, kinesisSink], once: true },
);
console.log(JSON.stringify(await pipeline.run()));
