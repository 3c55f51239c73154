import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BatchAck,
  coreServices,
  createPipelineContainer,
  createPluginContext,
  type OffloadEvent,
  type OffloadRecord,
  PluginRegistry,
  type RecordOutcome,
  type Source,
  summariseOutcomes,
} from '@offloader/core';
import { onTestFinished } from 'vitest';
import { type CustomSourceOptions, customSource } from '../src/index.js';

export interface Harness {
  dir: string;
  input: string;
  source: Source;
  events(): OffloadEvent[];
}

/** A fresh folder layout and a custom source over `<dir>/in`, in once-mode, options validated like YAML ones. */
export async function harness(options: Partial<CustomSourceOptions> = {}, dir?: string): Promise<Harness> {
  const root = dir ?? (await tempDir());
  const input = join(root, 'in');
  await mkdir(input, { recursive: true });
  const registry = new PluginRegistry().register(customSource);
  const validated = registry.validateOptions<CustomSourceOptions>(customSource, {
    path: 'in',
    complete: { mode: 'rename' },
    ...options,
  });
  if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
  const stateDir = join(root, 'state');
  const container = createPipelineContainer({ stateDir, mode: { once: true } });
  const context = createPluginContext(container, 'custom-0', { baseDir: root, stateDir });
  const source = await customSource.create(validated.options, context);
  const { events } = coreServices(container);
  return { dir: root, input, source, events: () => events.list({}) };
}

/** A temporary folder removed when the current test ends. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'offloader-custom-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Reads everything with the given outcome per record (default delivered), acknowledging each batch at once. */
export async function drain(
  source: Source,
  outcome: (record: OffloadRecord) => RecordOutcome = () => ({ status: 'delivered' }),
): Promise<{ records: OffloadRecord[]; acks: BatchAck[] }> {
  const records: OffloadRecord[] = [];
  const acks: BatchAck[] = [];
  await source.start?.();
  for await (const batch of source.read(new AbortController().signal)) {
    records.push(...batch.records);
    const ack = summariseOutcomes(batch.records.map(outcome));
    acks.push(ack);
    await batch.ack(ack);
  }
  await source.stop?.();
  return { records, acks };
}

export async function put(dir: string, name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** File names under `dir`, recursively, sorted, as `a/b.json`. Hidden folders (claims) are left out. */
export async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) =>
      join(entry.parentPath, entry.name)
        .slice(dir.length + 1)
        .replaceAll('\\', '/'),
    )
    .filter((path) => !path.split('/').some((segment) => segment.startsWith('.')))
    .sort();
}

export function text(record: OffloadRecord): string {
  return Buffer.from(record.data ?? new Uint8Array()).toString('utf8');
}

export function b64(value: string | Uint8Array): string {
  return Buffer.from(value).toString('base64');
}

export function codes(events: OffloadEvent[]): string[] {
  return events.map((event) => event.code).sort();
}
