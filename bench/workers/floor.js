// @ts-check
// B1/B4 floor: csv-parse + JSON.stringify over the same files, no framework, no validation, no mapping.
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { COLUMNS, FOLDERS } from '../lib/columns.js';
import { finish, peakRssBytes, workerInput } from '../lib/fork.js';

// named: rows become objects keyed by column name (closer to the pipeline's output); otherwise arrays.
const { root, kinds, named } = workerInput();
const started = process.hrtime.bigint();
const startCpu = process.cpuUsage();
let rows = 0;
let bytes = 0;
for (const kind of /** @type {('data' | 'dataavg' | 'alarm')[]} */ (kinds)) {
  const dir = join(root, FOLDERS[kind]);
  const files = (await readdir(dir)).filter((name) => name.endsWith('.csv')).sort();
  for (const name of files) {
    const parser = createReadStream(join(dir, name)).pipe(
      parse({ delimiter: '\t', quote: false, columns: named ? COLUMNS[kind] : false }),
    );
    for await (const record of parser) {
      bytes += JSON.stringify(record).length;
      rows += 1;
    }
  }
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const cpu = process.cpuUsage(startCpu);
finish({ ms, cpuMs: (cpu.user + cpu.system) / 1000, rows, bytes, peakRss: await peakRssBytes() });
