import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type CheckpointStore } from '../../src/checkpoints.js';
import { FolderSource } from '../../src/folder/FolderSource.js';
import {
  type DecodeContext,
  type DecodedItem,
  type FileDecoder,
  type FolderSourceOptions,
} from '../../src/folder/types.js';
import {
  coreServices,
  createPipelineContainer,
  FileDecodeError,
  RowError,
  summariseOutcomes,
} from '../../src/index.js';
import { type SourceBatch } from '../../src/plugin.js';
import { type RecordOutcome } from '../../src/record.js';

/**
 * Test decoder: one record per line `ok <n>`, a row error for a line starting with `bad`, and a whole-file
 * failure for a file whose first line is `GARBAGE`. Reports byte offsets so resume seeks.
 */
export class LineDecoder implements FileDecoder {
  readonly passes: { file: string; resumeLine: number; resumeOffset?: number }[] = [];

  async *decode(context: DecodeContext): AsyncIterable<readonly DecodedItem[]> {
    const { file, resume } = context;
    this.passes.push({ file: file.relPath, resumeLine: resume.line, resumeOffset: resume.offset });
    const stream = createReadStream(file.path, { start: resume.offset ?? 0 });
    let offset = resume.offset ?? 0;
    let line = resume.line;
    let rest = '';
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = rest + chunk.toString('latin1');
      const parts = text.split('\n');
      rest = parts.pop()!;
      const items: DecodedItem[] = [];
      for (const part of parts) {
        line++;
        offset += part.length + 1;
        if (part === '') continue;
        if (part === 'GARBAGE') throw new FileDecodeError('not a line file', { file: file.path, line });
        if (part.startsWith('bad')) {
          items.push({
            kind: 'error',
            error: new RowError('bad row', { file: file.path, line, field: 'n' }),
            line,
            offset,
            raw: part,
          });
        } else {
          items.push({ kind: 'record', value: { n: Number(part.split(' ')[1]) }, line, offset, raw: part });
        }
      }
      yield items;
    }
  }
}

export async function tempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'offloader-folder-'));
}

/** Writes a file with lines `ok <from>` … `ok <to>`, backdated so it counts as settled. */
export async function writeLines(path: string, lines: string[], mtimeSecondsAgo = 60): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, lines.map((line) => `${line}\n`).join(''));
  const time = new Date(Date.now() - mtimeSecondsAgo * 1000);
  await utimes(path, time, time);
}

export function okLines(from: number, to: number): string[] {
  const lines: string[] = [];
  for (let n = from; n <= to; n++) lines.push(`ok ${n}`);
  return lines;
}

export interface Harness {
  source: FolderSource;
  decoder: LineDecoder;
  services: ReturnType<typeof coreServices>;
  stateDir: string;
}

export function makeSource(
  root: string,
  stateDir: string,
  overrides: Partial<FolderSourceOptions> = {},
  mode: { once?: boolean; dryRun?: boolean } = {},
): Harness {
  const container = createPipelineContainer({ stateDir, mode: { once: true, dryRun: false, ...mode } });
  const services = coreServices(container);
  const decoder = (overrides.decoder as LineDecoder | undefined) ?? new LineDecoder();
  const source = new FolderSource({
    sourceId: 'folder-test',
    root,
    kinds: [
      { route: 'data', dir: 'Data' },
      { route: 'alarm', dir: '.' },
    ],
    complete: { mode: 'stable', settleMs: 1000 },
    pollIntervalMs: 20,
    afterDelivery: 'archive',
    archivePath: join(root, '_archive'),
    quarantinePath: join(root, 'Failed'),
    batchSize: 3,
    checkpointIntervalMs: 10,
    retryDelayMs: 20,
    ...overrides,
    decoder,
    mode: { once: true, dryRun: false, ...mode },
    services: { ...services },
  });
  return { source, decoder, services, stateDir };
}

export type AckPlan = (batch: SourceBatch, index: number) => RecordOutcome[] | 'hold';

export const deliverAll: AckPlan = (batch) => batch.records.map(() => ({ status: 'delivered' }));

/** Reads every batch, acknowledging as `plan` says (`hold` keeps the batch unacknowledged). */
export async function drain(source: FolderSource, plan: AckPlan = deliverAll, signal?: AbortSignal) {
  const batches: SourceBatch[] = [];
  const held: SourceBatch[] = [];
  let index = 0;
  for await (const batch of source.read(signal ?? new AbortController().signal)) {
    batches.push(batch);
    const outcomes = plan(batch, index++);
    if (outcomes === 'hold') held.push(batch);
    else await batch.ack(summariseOutcomes(outcomes));
  }
  return { batches, held, values: batches.flatMap((batch) => batch.records.map((r) => (r.value as { n: number }).n)) };
}

export async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

/** Wraps a checkpoint store's `save` so a test can see which documents were written, in order. */
export function recordSaves(store: CheckpointStore): string[] {
  const saves: string[] = [];
  const save = store.save.bind(store);
  store.save = (id, value) => {
    saves.push(id);
    return save(id, value);
  };
  return saves;
}
