import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  coreServices,
  createPipelineContainer,
  createPluginContext,
  resolveOptions,
  type Source,
  type SourceBatch,
  summariseOutcomes,
} from '@offloader/core';
import { describe, expect, it } from 'vitest';
import { dataminerCsvSource, plugins } from '../src/index.js';
import { BAD_SAMPLES, dataRow, expectedOf, SAMPLES } from './helpers.js';

async function copySamples(from: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'dm-source-'));
  await cp(from, root, { recursive: true });
  return root;
}

/** Backdates sample files so they count as settled, in the given order (oldest first). */
async function age(root: string, files: string[]) {
  let seconds = 600;
  for (const file of files) {
    const time = new Date(Date.now() - seconds-- * 1000);
    await utimes(join(root, file), time, time);
  }
}

async function makeSource(
  root: string,
  options: Record<string, unknown>,
  mode: { once?: boolean; dryRun?: boolean } = {},
) {
  const stateDir = join(root, '..', `${root.split('/').pop()}-state`);
  const container = createPipelineContainer({ stateDir, mode: { once: true, dryRun: false, ...mode } });
  const context = createPluginContext(container, 'dm', { baseDir: root, stateDir });
  // Options go through the one gate, as a pipeline's do: validated, every default filled.
  const complete = resolveOptions(dataminerCsvSource, { path: '.', ...options });
  const source = (await dataminerCsvSource.create(complete, context)) as Source;
  return { source, services: coreServices(container) };
}

async function drain(
  source: Source,
  hold: (batch: SourceBatch, index: number) => boolean = () => false,
  signal?: AbortSignal,
) {
  const batches: SourceBatch[] = [];
  const held: SourceBatch[] = [];
  await source.start?.();
  for await (const batch of source.read(signal ?? new AbortController().signal)) {
    batches.push(batch);
    if (hold(batch, batches.length - 1)) held.push(batch);
    else await batch.ack(summariseOutcomes(batch.records.map(() => ({ status: 'delivered' }))));
  }
  return { batches, held, records: batches.flatMap((batch) => batch.records) };
}

const SAMPLE_ORDER = [
  'Data/2026_03_14_09_10_00_4821_346.csv',
  '2026_03_14_09_10_05_4823_346.csv',
  'Dataavg/2026_03_14_09_12_30_4822_346.csv',
  'Data/639090774000000000.csv',
];

describe('dataminer-csv source', () => {
  it('exports the plugin definition', () => {
    expect(plugins).toEqual([dataminerCsvSource]);
    expect(dataminerCsvSource).toMatchObject({ kind: 'source', type: 'dataminer-csv' });
  });

  it('--once --dry-run over the samples: exactly the expected records, in file order, nothing moved', async () => {
    const root = await copySamples(SAMPLES);
    await age(root, SAMPLE_ORDER);
    const before = (await readdir(root, { recursive: true })).sort();
    const { source } = await makeSource(root, {}, { dryRun: true });
    const { records } = await drain(source);
    await source.stop?.();
    const expected = SAMPLE_ORDER.flatMap((file) => expectedOf(join(SAMPLES, file)));
    expect(records.map((record) => JSON.stringify(record.value))).toEqual(
      expected.map((value) => JSON.stringify(value)),
    );
    expect(records.map((record) => record.route)).toEqual(
      SAMPLE_ORDER.flatMap((file) =>
        expectedOf(join(SAMPLES, file)).map(() =>
          file.startsWith('Data/') ? 'data' : file.startsWith('Dataavg') ? 'dataavg' : 'alarm',
        ),
      ),
    );
    expect((await readdir(root, { recursive: true })).sort()).toEqual(before);
  });

  it('the bad sample: 2 records delivered, 4 rows in .rejected.csv with reasons, file archived, one event', async () => {
    const root = await copySamples(BAD_SAMPLES);
    await age(root, ['Data/2026_03_14_09_40_00_5120_346.csv']);
    const { source, services } = await makeSource(root, { afterDelivery: 'archive' });
    const { records } = await drain(source);
    await source.stop?.();
    expect(records.map((record) => record.origin.line)).toEqual([1, 6]);
    expect(existsSync(join(root, '_archive', 'Data', '2026_03_14_09_40_00_5120_346.csv'))).toBe(true);
    const rejected = await readFile(
      join(root, 'Failed', 'Data', '2026_03_14_09_40_00_5120_346.csv.rejected.csv'),
      'utf8',
    );
    expect(rejected.split('\n').filter(Boolean)).toHaveLength(4);
    expect(rejected).toContain('Locked\tPLL A');
    const reasons = (
      await readFile(join(root, 'Failed', 'Data', '2026_03_14_09_40_00_5120_346.csv.rejected.jsonl'), 'utf8')
    )
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(reasons.map((reason) => [reason.line, reason.field])).toEqual([
      [2, 'parameterName'],
      [3, '(field 12)'],
      [4, 'dtFirst'],
      [7, undefined],
    ]);
    const [event] = services.events.list({ code: 'ROW_INVALID' });
    expect(event.message).toMatch(
      /^4 row\(s\) rejected in Data\/2026_03_14_09_40_00_5120_346.csv: line 2 field parameterName/,
    );
  });

  it('one UNKNOWN_ENUM_ID event per file', async () => {
    const root = await copySamples(SAMPLES);
    await age(root, SAMPLE_ORDER);
    const { source, services } = await makeSource(root, { kinds: ['alarm'] }, { dryRun: true });
    await drain(source);
    const events = services.events.list({ code: 'UNKNOWN_ENUM_ID' });
    expect(events).toHaveLength(1);
    expect(events[0].message).toContain('field SOURCE: id 99 is not in the enum table; emitted as "Unknown (99)"');
  });

  it('resumes mid-file from the byte offset after a crash: no loss, duplicates bounded by what was in flight', async () => {
    const root = await mkdtemp(join(tmpdir(), 'dm-resume-'));
    const rows = Array.from({ length: 2000 }, (_, i) => dataRow(String(i + 1)));
    await cp(SAMPLES, join(root, 'unused'), { recursive: true }).catch(() => undefined);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(root, 'Data'), { recursive: true });
    await writeFile(join(root, 'Data', 'big.csv'), `\uFEFF${rows.join('\r\n')}\r\n`);
    await age(root, ['Data/big.csv']);
    const options = { kinds: ['data'], batchSize: 100 };
    const first = await makeSource(root, options);
    const controller = new AbortController();
    const run = await drain(
      first.source,
      (_batch, index) => {
        if (index === 6) controller.abort();
        return index >= 5; // batches 6 and 7 are in flight when the process dies
      },
      controller.signal,
    );
    await first.source.stop?.();
    const deliveredFirst = run.records.slice(0, 500).map((record) => (record.value as { VALUE: string }).VALUE);
    const second = await makeSource(root, options);
    const rest = await drain(second.source);
    await second.source.stop?.();
    const values = rest.records.map((record) => (record.value as { VALUE: string }).VALUE);
    expect(values[0]).toBe('501');
    expect(rest.records[0].origin).toMatchObject({ line: 501, index: 500 });
    expect([...deliveredFirst, ...values]).toEqual(rows.map((_, i) => String(i + 1)));
    expect(run.records.length - 500).toBeLessThanOrEqual(200);
    expect(existsSync(join(root, 'Data', 'big.csv'))).toBe(false);
  });

  it('delete only after every batch was acknowledged', async () => {
    const root = await mkdtemp(join(tmpdir(), 'dm-ack-'));
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(root, 'Data'));
    await writeFile(join(root, 'Data', 'x.csv'), `${dataRow('1')}\n${dataRow('2')}\n${dataRow('3')}\n`);
    await age(root, ['Data/x.csv']);
    const { source } = await makeSource(root, { kinds: ['data'], batchSize: 2 });
    const { held } = await drain(source, (_batch, index) => index === 1);
    expect(existsSync(join(root, 'Data', 'x.csv'))).toBe(true);
    await held[0].ack(summariseOutcomes([{ status: 'delivered' }]));
    expect(existsSync(join(root, 'Data', 'x.csv'))).toBe(false);
    await source.stop?.();
  });
});
