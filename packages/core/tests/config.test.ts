import { describe, expect, it } from 'vitest';
import { substituteEnv } from '../src/config.js';
import { ConfigError, corePlugins, PluginRegistry, parsePipeline } from '../src/index.js';

const registry = () =>
  new PluginRegistry().registerAll(corePlugins).register({
    kind: 'source',
    type: 'folder',
    description: 'test',
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['path'],
      properties: { path: { type: 'string' }, pollIntervalMs: { type: 'integer', default: 1000 } },
    },
    create: () => ({ id: 'x', async *read() {} }),
  });

async function problemsOf(text: string, env: NodeJS.ProcessEnv = {}) {
  try {
    await parsePipeline(text, 'p.yaml', registry(), env);
  } catch (error) {
    if (error instanceof ConfigError)
      return { code: error.code, problems: error.problems.map(({ line, path, message }) => ({ line, path, message })) };
    throw error;
  }
  return undefined;
}

describe('substituteEnv', () => {
  it.each([
    ['${A}', { A: 'x' }, 'x', []],
    ['a-${A}-b', { A: 'x' }, 'a-x-b', []],
    ['${B:-fallback}', {}, 'fallback', []],
    ['${B:-}', {}, '', []],
    ['${A:-fallback}', { A: 'set' }, 'set', []],
    ['${MISSING}', {}, '', ['MISSING']],
    ['$${A}', { A: 'x' }, '${A}', []],
    ['C:\\Skyline DataMiner\\${SUB}', { SUB: 'Offload' }, 'C:\\Skyline DataMiner\\Offload', []],
  ])('%s → %s', (text, env, value, missing) => {
    expect(substituteEnv(text, env)).toEqual({ value, missing });
  });
});

describe('parsePipeline', () => {
  it('applies defaults to the pipeline and to plugin options', async () => {
    const loaded = await parsePipeline(
      'sources:\n  - type: folder\n    options: { path: "${ROOT:-/data}" }\nsink:\n  type: stdout\n',
      '/etc/offloader/p.yaml',
      registry(),
      {},
    );
    expect(loaded.definition.sources[0]).toEqual({
      type: 'folder',
      id: 'folder',
      options: { path: '/data', pollIntervalMs: 1000 },
    });
    expect(loaded.definition.transformers).toEqual([]);
    expect(loaded.stateDir).toBe('/etc/offloader/state');
    expect(loaded.definition.events).toEqual({ maxRows: 1000, maxAgeHours: 168 });
  });

  it('lists every problem with its line and YAML path', async () => {
    const text = [
      'name: x', // 1
      'sources:', // 2
      '  - type: folder', // 3
      '    options:', // 4
      '      pollIntervalMs: soon', // 5
      '  - type: foldr', // 6
      'sink:', // 7
      '  type: stdout', // 8
      'colour: blue', // 9
    ].join('\n');
    expect(await problemsOf(text)).toEqual({
      code: 'CONFIG_INVALID',
      problems: [{ line: 9, path: 'colour', message: 'is not a known option (check the spelling)' }],
    });
    const plugins = await problemsOf(text.replace('colour: blue', ''));
    expect(plugins?.problems).toEqual([
      { line: 5, path: 'sources[0].options.path', message: 'is required' },
      { line: 5, path: 'sources[0].options.pollIntervalMs', message: 'must be integer' },
      {
        line: 6,
        path: 'sources[1].type',
        message: expect.stringContaining('unknown source type "foldr"; known source types: folder'),
      },
    ]);
  });

  it('names the line of a YAML syntax error', async () => {
    expect(await problemsOf('sources:\n  - type: folder\n   options: [\nsink: {type: stdout}\n')).toMatchObject({
      code: 'CONFIG_YAML_SYNTAX',
      problems: expect.arrayContaining([
        expect.objectContaining({ line: 3, message: 'Sequence item without - indicator' }),
      ]),
    });
  });

  it('names a missing environment variable and where it is used, without other values', async () => {
    expect(
      await problemsOf(
        'sources:\n  - type: folder\n    options: { path: "${OFFLOAD_ROOT}" }\nsink: { type: stdout }\n',
      ),
    ).toEqual({
      code: 'CONFIG_ENV_MISSING',
      problems: [
        {
          line: 3,
          path: 'sources[0].options.path',
          message: 'environment variable OFFLOAD_ROOT is not set (use ${OFFLOAD_ROOT:-default} for a fallback)',
        },
      ],
    });
  });

  it('refuses two plugins with the same id', async () => {
    const result = await problemsOf(
      'sources:\n  - { type: folder, id: a, options: { path: x } }\n  - { type: folder, id: a, options: { path: y } }\nsink: { type: stdout }\n',
    );
    expect(result?.problems).toEqual([
      { line: 3, path: 'sources[1].id', message: 'id "a" is used twice; give each plugin its own id' },
    ]);
  });
});
