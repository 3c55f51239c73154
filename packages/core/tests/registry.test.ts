import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corePlugins, definePlugin, OffloaderError, PluginRegistry } from '../src/index.js';

const echoTransformer = definePlugin<'transformer', { field: string; upper: boolean }>({
  kind: 'transformer',
  type: 'echo',
  description: 'test transformer',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['field'],
    properties: { field: { type: 'string' }, upper: { type: 'boolean', default: false } },
  },
  create: () => ({ transform: (record) => record }),
});

describe('PluginRegistry', () => {
  it('names the known types when a type is unknown', () => {
    const registry = new PluginRegistry().registerAll(corePlugins);
    const error = (() => {
      try {
        registry.get('sink', 'kinesys');
      } catch (e) {
        return e as OffloaderError;
      }
    })();
    expect(error?.code).toBe('PLUGIN_UNKNOWN');
    expect(error?.message).toContain('unknown sink type "kinesys"; known sink types: null, stdout');
  });

  it('refuses a duplicate type unless override is asked for', () => {
    const registry = new PluginRegistry().register(echoTransformer);
    expect(() => registry.register(echoTransformer)).toThrow(/already registered/);
    expect(() => registry.register(echoTransformer, { override: true })).not.toThrow();
  });

  it.each([
    [{ field: 'A' }, { ok: true, options: { field: 'A', upper: false } }],
    [
      { field: 'A', upper: true },
      { ok: true, options: { field: 'A', upper: true } },
    ],
    [{}, { ok: false, problems: [{ pointer: '/field', message: 'is required' }] }],
    [
      { field: 1, colour: 'x' },
      {
        ok: false,
        problems: [
          { pointer: '/colour', message: 'is not a known option (check the spelling)' },
          { pointer: '/field', message: 'must be string' },
        ],
      },
    ],
  ])('validates options %j and applies defaults', (options, expected) => {
    const registry = new PluginRegistry().register(echoTransformer);
    const result = registry.validateOptions(echoTransformer, options);
    if (!result.ok && !expected.ok) {
      const wanted = (expected as { problems: unknown[] }).problems;
      expect([...result.problems].sort((a, b) => a.pointer.localeCompare(b.pointer))).toEqual(wanted);
    } else {
      expect(result).toEqual(expected);
    }
    // The caller's object is never changed.
    expect(options).not.toHaveProperty('upper', false);
  });

  it('loads a third-party plugin module by file path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'offloader-plugin-'));
    writeFileSync(
      join(dir, 'upper.mjs'),
      `export const plugin = { kind: 'transformer', type: 'upper', description: 'x', optionsSchema: { type: 'object' },
        create: () => ({ transform: (r) => r }) };`,
    );
    const registry = new PluginRegistry();
    const loaded = await registry.load('./upper.mjs', dir);
    expect(loaded.map((p) => p.type)).toEqual(['upper']);
    expect(registry.has('transformer', 'upper')).toBe(true);
  });

  it('explains a module without plugin definitions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'offloader-plugin-'));
    writeFileSync(join(dir, 'empty.mjs'), 'export const x = 1;');
    await expect(new PluginRegistry().load('./empty.mjs', dir)).rejects.toThrow(/exports no plugin definition/);
  });
});
