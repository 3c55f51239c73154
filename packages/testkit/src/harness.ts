import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  coreServices,
  createPipelineContainer,
  createPluginContext,
  type Logger,
  type OffloadRecord,
  type RecordOutcome,
  resolveOptions,
} from '@offloader/core';
import { type KinesisSink, type KinesisSinkOptions, kinesisSink } from '@offloader/sink-kinesis';
import type { DependencyContainer } from 'tsyringe';

/** A logger that keeps every line as JSON text, so tests can scan what would have been written. */
export function memoryLogger(
  lines: string[] = [],
  bindings: Record<string, unknown> = {},
): Logger & { lines: string[] } {
  const write = (level: string) => (obj: object | string, msg?: string) => {
    const fields = typeof obj === 'string' ? { msg: obj } : { ...obj, msg };
    lines.push(JSON.stringify({ level, ...bindings, ...fields }, (_key, value) => serialiseError(value)));
  };
  return {
    lines,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => memoryLogger(lines, { ...bindings, ...more }),
  };
}

function serialiseError(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

export interface TestSink {
  sink: KinesisSink;
  services: ReturnType<typeof coreServices>;
  logLines: string[];
  stateDir: string;
}

/**
 * Creates the `kinesis` sink through its plugin definition with a fresh pipeline container and a
 * memory logger, the way the runner would (options get the schema defaults), and starts it.
 */
export async function createTestSink(
  options: Partial<KinesisSinkOptions>,
  setup: { stateDir?: string; id?: string; dryRun?: boolean; parent?: DependencyContainer } = {},
): Promise<TestSink> {
  const stateDir = setup.stateDir ?? mkdtempSync(join(tmpdir(), 'offloader-kinesis-'));
  const logger = memoryLogger();
  const container = createPipelineContainer(
    { stateDir, logger, mode: { dryRun: setup.dryRun ?? false } },
    setup.parent,
  );
  const context = createPluginContext(container, setup.id ?? 'kinesis-test', { baseDir: stateDir, stateDir });
  const sink = (await kinesisSink.create(resolveOptions(kinesisSink, options), context)) as KinesisSink;
  await sink.start();
  return { sink, services: coreServices(container), logLines: logger.lines, stateDir };
}

/** JSON records shaped like DataMiner trend rows, `count` of them, with `origin.index` set. */
export function trendRecords(count: number, route = 'data', start = 0): OffloadRecord[] {
  return Array.from({ length: count }, (_, offset) => {
    const i = start + offset;
    return {
      route,
      value: { DMAID: 100 + (i % 7), EID: i % 50, PID: 1000 + (i % 13), IDX: '', V: i * 0.5, T: 1_700_000_000 + i },
      origin: { sourceId: 'test', file: 'generated.csv', line: i + 2, index: i },
    };
  });
}

/**
 * Prepares and writes `records` in runner-sized batches with at most min(`parallel`, `sink.maxInFlight()`)
 * writes in flight, as the runner does; returns every outcome in record order.
 */
export async function writeAll(
  sink: KinesisSink,
  records: OffloadRecord[],
  parallel = Number.POSITIVE_INFINITY,
): Promise<RecordOutcome[]> {
  const signal = new AbortController().signal;
  const outcomes: RecordOutcome[] = new Array(records.length);
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  records.forEach((record, index) => {
    try {
      sink.prepare(record);
    } catch (error) {
      outcomes[index] = { status: 'rejected', error: error as Error };
      return;
    }
    const size = sink.batching.sizeOf(record);
    if (current.length >= sink.batching.maxRecords || bytes + size > sink.batching.maxBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  });
  if (current.length > 0) batches.push(current);
  const running = new Set<Promise<void>>();
  for (const batch of batches) {
    // Like the runner: never more writes in flight than the sink allows right now.
    while (running.size >= Math.max(1, Math.min(parallel, sink.maxInFlight()))) await Promise.race(running);
    const write: Promise<void> = sink
      .write(
        batch.map((index) => records[index]),
        signal,
      )
      .then((result) => {
        batch.forEach((recordIndex, i) => {
          outcomes[recordIndex] = result[i];
        });
        running.delete(write);
      });
    running.add(write);
  }
  await Promise.all(running);
  return outcomes;
}
