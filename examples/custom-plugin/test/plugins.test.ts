import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corePlugins, Pipeline, PluginRegistry } from '@offloader/core';
import { describe, expect, it } from 'vitest';

const exampleDir = join(import.meta.dirname, '..');

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'offloader-example-'));
  const elements = ['Encoder 1', 'Test IRD', 'Router A', 'test probe'];
  writeFileSync(join(dir, 'input.txt'), elements.map((e) => JSON.stringify({ ELEMENT_NAME: e })).join('\n'));
  return dir;
}

describe.each([
  ['by path', join(exampleDir, 'element-filter.js')],
  ['by package name', 'offloader-plugin-element-filter'],
])('the element-filter transformer loaded %s', (_how, reference) => {
  it('drops matching records and the file sink writes the rest', async () => {
    const dir = workspace();
    const registry = new PluginRegistry().registerAll(corePlugins);
    await registry.load(join(exampleDir, 'jsonl-source.js'), dir);
    await registry.load(join(exampleDir, 'file-sink.js'), dir);
    const pipeline = await Pipeline.fromDefinition(
      {
        state: join(dir, 'state'),
        sources: [{ type: 'jsonl-file', options: { path: 'input.txt' } }],
        transformers: [{ type: reference, options: { drop: ['^test'] } }],
        sink: { type: 'file', options: { path: 'out/records.jsonl' } },
      },
      { registry, baseDir: dir, once: true },
    );
    const summary = await pipeline.run();
    expect(summary.ok).toBe(true);
    const written = readFileSync(join(dir, 'out/records.jsonl'), 'utf8').trim().split('\n');
    expect(written.map((line) => JSON.parse(line).ELEMENT_NAME)).toEqual(['Encoder 1', 'Router A']);
    expect(summary.sources['jsonl-file'].filtered).toBe(2);
    expect(summary.sources['jsonl-file'].recordsIn).toBe(4);
  });
});
