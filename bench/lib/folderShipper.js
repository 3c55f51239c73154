// @ts-check
// The folder loop of the B6 baseline shippers (naive-folder-producer.js, raw-folder-producer.js), which differ
// only in how they make a PutRecords call. Every second: list the kind folders, take files not modified for a
// second, read each whole, turn rows into objects keyed by column name, send them in PutRecords of 500 (one call
// at a time, failed records resent), delete the file. Speaks the IPC of pipeline-kinesis.js (ready, usage, stop,
// done).
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { COLUMNS, FOLDERS } from './columns.js';
import { peakRssBytes, workerInput } from './fork.js';

/** @typedef {{ Data: Buffer, PartitionKey: string }} Entry */
/** @typedef {{ FailedRecordCount?: number, Records?: { SequenceNumber?: string, ErrorCode?: string }[] }} Answer */

/**
 * Runs the shipper until the parent says stop, then reports what it delivered and exits.
 * @param {(endpoint: string) => { putRecords: (stream: string, records: Entry[]) => Promise<Answer>, close: () => void }} connect
 */
export async function runFolderShipper(connect) {
  const { root, endpoint, streams } = workerInput();
  const connection = connect(endpoint);
  let stopped = false;
  let delivered = 0;

  /** @param {string} stream @param {Entry[]} records */
  async function put(stream, records) {
    let left = records;
    while (left.length > 0) {
      const answer = await connection.putRecords(stream, left);
      const results = answer.Records ?? [];
      delivered += left.length - (answer.FailedRecordCount ?? 0);
      left = left.filter((_, index) => !results[index]?.SequenceNumber || results[index]?.ErrorCode);
    }
  }

  /** @param {'data' | 'dataavg' | 'alarm'} kind @param {string} path */
  async function ship(kind, path) {
    const columns = COLUMNS[kind];
    const lines = (await readFile(path, 'utf8')).split('\r\n').filter((line) => line.length > 0);
    for (let at = 0; at < lines.length; at += 500) {
      const records = lines.slice(at, at + 500).map((line) => {
        const fields = line.split('\t');
        /** @type {Record<string, string>} */
        const value = {};
        columns.forEach((column, i) => {
          value[column] = fields[i];
        });
        return { Data: Buffer.from(JSON.stringify(value)), PartitionKey: `${fields[1]}/${fields[2]}/${fields[3]}` };
      });
      await put(streams[kind], records);
    }
    await unlink(path);
  }

  process.on('message', async (/** @type {any} */ message) => {
    if (message.cmd === 'usage') {
      const cpu = process.cpuUsage();
      process.send?.({
        usage: { cpuMs: (cpu.user + cpu.system) / 1000, rss: process.memoryUsage().rss, peakRss: await peakRssBytes() },
      });
    }
    if (message.cmd === 'stop') stopped = true;
  });
  process.send?.({ ready: true });
  while (!stopped) {
    for (const kind of /** @type {('data' | 'dataavg' | 'alarm')[]} */ (['data', 'dataavg', 'alarm'])) {
      const dir = join(root, FOLDERS[kind]);
      const names = await readdir(dir).catch(() => []);
      for (const name of names.filter((entry) => entry.endsWith('.csv')).sort()) {
        const path = join(dir, name);
        const info = await stat(path).catch(() => undefined);
        if (info?.isFile() && Date.now() - info.mtimeMs > 1000) await ship(kind, path);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  connection.close();
  process.send?.({ done: true, delivered, ok: true, errors: [] }, () => process.exit(0));
}
